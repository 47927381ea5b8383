import type { StoredFile } from "./console-api.ts";

/** Folders of the file store: paths ending in "/", implied by the files under them (docs/devices.md). */

interface FolderRow {
  kind: "folder";
  path: string;
}
export type FileRow = FolderRow | ({ kind: "file" } & StoredFile);

/** The files under `prefix`, with the sub-folders their paths imply, folders first. */
export function rowsUnder(prefix: string, files: StoredFile[]): FileRow[] {
  const folders = new Set<string>();
  const direct: FileRow[] = [];
  for (const file of files) {
    const rest = file.path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash >= 0) folders.add(`${prefix}${rest.slice(0, slash + 1)}`);
    else direct.push({ kind: "file", ...file });
  }
  return [...[...folders].sort().map((path): FileRow => ({ kind: "folder", path })), ...direct];
}

/** A folder's name is one path segment: not empty, no "/", not "." or "..". */
export function folderNameProblem(name: string): string | undefined {
  if (!name) return "Give the folder a name.";
  if (name.includes("/")) return "A folder name cannot contain /.";
  if (name === "." || name === "..") return `"${name}" is not a folder name.`;
  return undefined;
}

/** The folder a `?path=` names, as "/a/b/"; "/" when absent or not a folder path the store accepts. */
export function folderOf(search: string): string {
  const path = new URLSearchParams(search).get("path") ?? "/";
  const segments = path.split("/").filter(Boolean);
  if (segments.some((segment) => folderNameProblem(segment))) return "/";
  return segments.length ? `/${segments.join("/")}/` : "/";
}

/** The studio address of a folder; "/" stays readable in it (it needs no escaping in a query). */
export function folderLocation(folder: string): string {
  return folder === "/" ? "/files" : `/files?path=${encodeURIComponent(folder).replaceAll("%2F", "/")}`;
}

/** The folder's ancestors and itself, from the root ("Files"). */
export function breadcrumbsOf(folder: string): Array<{ name: string; path: string }> {
  const segments = folder.split("/").filter(Boolean);
  return [
    { name: "Files", path: "/" },
    ...segments.map((name, index) => ({ name, path: `/${segments.slice(0, index + 1).join("/")}/` })),
  ];
}

/** The folder above, or undefined at the root. */
export function parentOf(folder: string): string | undefined {
  return folder === "/" ? undefined : folder.slice(0, folder.slice(0, -1).lastIndexOf("/") + 1);
}
