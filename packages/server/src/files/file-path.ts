import { UserError } from "../errors.ts";

/** Harvest Files' limits: a path starts with `/`, is at most 1,024 bytes and 16 levels deep. */
const maxPathBytes = 1_024;
const maxPathLevels = 16;

/** Checks a file path (or, with `allowFolder`, a prefix ending in `/`); returns it unchanged. */
export function checkFilePath(path: string, { allowFolder = false } = {}): string {
  const refuse = (why: string): never => {
    throw new UserError("bad_request", `file path '${path.slice(0, 80)}' ${why}`);
  };
  if (!path.startsWith("/")) refuse("must start with '/'");
  if (Buffer.byteLength(path) > maxPathBytes) refuse(`is longer than ${maxPathBytes} bytes`);
  // Control characters would end up in headers and logs.
  if ([...path].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f))
    refuse("contains control characters");
  const segments = path.slice(1).split("/");
  if (allowFolder && segments.at(-1) === "") segments.pop();
  if (!allowFolder && path.endsWith("/")) refuse("names a folder, not a file");
  if (segments.length > maxPathLevels) refuse(`is deeper than ${maxPathLevels} levels`);
  for (const segment of segments)
    if (segment === "" || segment === "." || segment === "..") refuse("has an empty, '.' or '..' segment");
  return path;
}
