import type { OutboundClient } from "../../outbound/guarded-client.ts";
import type { Media } from "../ports/ai-port.ts";
import type { OperatorFilesPort } from "../ports/file-port.ts";
import { type ActionContext, ActionError } from "./action.ts";
import { renderText } from "./render.ts";

/** The part of an operator's files that media are read from. */
type MediaFiles = Pick<OperatorFilesPort, "get" | "signedUrl">;

/** Fetching an action's image or video; a webhook gets 10 s. */
export const mediaTimeoutMs = 15_000;

/** An action's templated image or video reference (URL or file-store path), read as bytes. */
export async function loadActionMedia(
  template: string,
  kind: "image" | "video",
  context: ActionContext,
): Promise<Media> {
  const reference = renderText(template, context.scope).trim();
  if (reference === "") throw new ActionError("ai_media_missing", `the ${kind} URL is empty`);
  return loadMedia(reference, kind, {
    outbound: context.outbound,
    files: context.ai.files(context.operator.operatorId),
    operatorId: context.operator.operatorId,
    maxBytes: context.ai.config.maxImageBytes,
    timeoutMs: mediaTimeoutMs,
  });
}

/**
 * An image or video for a model, as bytes: a file-store path (`/cam1/a.jpg`) is read from the
 * operator's files, anything else is fetched through the guarded client. Models get the bytes,
 * never the URL, so no provider fetches an address on our behalf and a signed link never leaves us.
 */
async function loadMedia(
  reference: string,
  kind: "image" | "video",
  source: {
    outbound: OutboundClient;
    files: MediaFiles;
    operatorId: string;
    maxBytes: number;
    timeoutMs: number;
  },
): Promise<Media> {
  const path = reference.startsWith("/") ? reference : ownSignedFilePath(reference, source);
  if (path !== undefined) {
    const file = await source.files.get(path);
    if (!file) throw new ActionError("ai_media_not_found", `no file '${path}' in the file store`);
    return checked({ data: file.content, mediaType: file.contentType }, kind, source.maxBytes);
  }
  const response = await source.outbound.send({
    method: "GET",
    url: reference,
    timeoutMs: source.timeoutMs,
    maxResponseBytes: source.maxBytes,
  });
  const host = new URL(reference).host;
  if (response.status === 429 || response.status >= 500)
    throw new ActionError("ai_media_fetch", `${host} answered ${response.status} for the ${kind}`, true);
  if (response.status < 200 || response.status > 299)
    throw new ActionError("ai_media_fetch", `${host} answered ${response.status} for the ${kind}`);
  if (response.truncated)
    throw new ActionError("ai_media_too_large", `the ${kind} is larger than ${source.maxBytes} bytes`);
  const declared = response.headers["content-type"]?.split(";")[0]?.trim().toLowerCase() ?? "";
  return checked({ data: response.body, mediaType: declared }, kind, source.maxBytes);
}

/**
 * A signed link to one of this operator's own files (a `file` event's `presignedUrls.get`) is read
 * from the file store: no request to ourselves, which the private-address block would refuse anyway.
 */
function ownSignedFilePath(
  reference: string,
  source: { files: MediaFiles; operatorId: string },
): string | undefined {
  let url: URL;
  try {
    url = new URL(reference);
  } catch {
    return undefined;
  }
  // Any path shows where our signed links point; the service knows its public base URL, we do not.
  if (url.origin !== new URL(source.files.signedUrl("/a")).origin) return undefined;
  const match = /^\/v1\/signed\/files\/([^/]+)(\/.+)$/.exec(url.pathname);
  if (match?.[1] !== source.operatorId || !match[2]) return undefined;
  try {
    return match[2].split("/").map(decodeURIComponent).join("/");
  } catch {
    // A stray '%' in a hand-written link: the reference's fault, not an internal error.
    throw new ActionError("ai_media_not_found", "the link to a file in the file store has a malformed path");
  }
}

function checked(media: Media, kind: "image" | "video", maxBytes: number): Media {
  if (media.data.byteLength > maxBytes)
    throw new ActionError("ai_media_too_large", `the ${kind} is larger than ${maxBytes} bytes`);
  // Servers often say application/octet-stream; the bytes say what an image is.
  const mediaType = media.mediaType.startsWith(`${kind}/`) ? media.mediaType : sniffImageType(media.data);
  if (!mediaType?.startsWith(`${kind}/`))
    throw new ActionError(
      "ai_media_type",
      `the ${kind} is not one (content type '${media.mediaType || "none"}')`,
    );
  return { data: media.data, mediaType };
}

function sniffImageType(bytes: Uint8Array): string | undefined {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "image/png";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45) return "image/webp";
  return undefined;
}
