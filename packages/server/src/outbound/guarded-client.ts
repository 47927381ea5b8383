import { lookup as lookupAddresses } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, type Dispatcher } from "undici";
import { blockedAddressReason } from "./address-policy.ts";

/**
 * The one way the server sends HTTP requests to the outside (webhook, Slack, AI providers): a time
 * limit on the whole exchange, a size limit on the answer, no redirects, and — unless the operator
 * allows it — no private, loopback, link-local or otherwise internal destination, checked on the
 * address actually connected to so that a DNS answer that changes between check and use (DNS
 * rebinding) cannot slip through. Headers and bodies carry secrets: nothing here logs them, and
 * error messages name the host only (paths and query strings carry tokens too, e.g. Slack URLs).
 */

export interface OutboundPolicy {
  allowPrivateAddresses: boolean;
}

export interface OutboundRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** For the whole exchange: connecting, sending and reading the answer, rounded up to a whole ms. Default 10,000. */
  timeoutMs?: number;
  /** The answer's body is cut here (and `truncated` set); the rest is never read. Default 8,192. */
  maxResponseBytes?: number;
}

export interface OutboundResponse {
  status: number;
  /** Repeated headers are joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  truncated: boolean;
}

export type OutboundErrorCode =
  | "outbound_blocked"
  | "outbound_timeout"
  | "outbound_network"
  | "outbound_invalid_url";

export class OutboundError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
    /** Worth another try later (a timeout, a dropped connection), as opposed to a refusal. */
    readonly transient: boolean,
  ) {
    super(message);
    this.name = "OutboundError";
  }
}

export interface OutboundClient {
  send(request: OutboundRequest): Promise<OutboundResponse>;
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 8_192;
const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

export function createGuardedClient(policy: OutboundPolicy): OutboundClient {
  // Node calls `lookup` for every connection to a host name (never for an IP literal, which send()
  // checks itself), so the addresses checked are the addresses connected to.
  const agent = new Agent(policy.allowPrivateAddresses ? {} : { connect: { lookup: lookupPublicAddresses } });

  return {
    async send(request) {
      const url = parseDestination(request.url);
      if (!policy.allowPrivateAddresses) refuseInternalLiteral(url);
      // AbortSignal.timeout throws on a fraction; callers may pass a share of a time budget.
      const timeoutMs = Math.max(1, Math.ceil(request.timeoutMs ?? DEFAULT_TIMEOUT_MS));
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const response = await agent.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers ?? {},
          body: request.body ?? null,
          signal,
        });
        const { bytes, truncated } = await readAtMost(
          response.body,
          request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
        );
        return {
          status: response.statusCode,
          headers: flattenHeaders(response.headers),
          body: bytes,
          truncated,
        };
      } catch (error) {
        throw toOutboundError(error, url.host, signal, timeoutMs);
      }
    },
    close: () => agent.close(),
  };
}

function parseDestination(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundError("outbound_invalid_url", "the URL is not valid", false);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new OutboundError(
      "outbound_invalid_url",
      `only http: and https: URLs can be called, not ${url.protocol}`,
      false,
    );
  if (url.username !== "" || url.password !== "")
    throw new OutboundError(
      "outbound_invalid_url",
      `the URL for ${url.host} holds credentials; send them in a header`,
      false,
    );
  return url;
}

/** The URL parser has already turned `0x7f000001`, `2130706433` and `127.1` into `127.0.0.1`. */
function refuseInternalLiteral(url: URL): void {
  const address = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  if (isIP(address) === 0) return;
  const reason = blockedAddressReason(address);
  if (reason !== undefined) throw blockedError(url.host, `${address} is a ${reason} address`);
}

const lookupPublicAddresses: LookupFunction = (hostname, options, callback) => {
  lookupAddresses(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "");
    for (const { address } of addresses) {
      const reason = blockedAddressReason(address);
      if (reason !== undefined)
        return callback(blockedError(hostname, `it resolves to ${address}, a ${reason} address`), "");
    }
    const first = addresses[0];
    if (options.all) callback(null, addresses);
    else if (first) callback(null, first.address, first.family);
    else callback(Object.assign(new Error(`no address found for ${hostname}`), { code: "ENOTFOUND" }), "");
  });
};

function blockedError(host: string, why: string): OutboundError {
  return new OutboundError(
    "outbound_blocked",
    `refused to connect to ${host}: ${why}; private and internal addresses are blocked unless the operator allows them`,
    false,
  );
}

/** Never holds more than `maxBytes` (plus one chunk in flight); leaving the loop early destroys the stream. */
async function readAtMost(
  stream: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const room = maxBytes - size;
    if (chunk.byteLength > room) {
      chunks.push(chunk.subarray(0, room));
      return { bytes: Buffer.concat(chunks, maxBytes), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  return { bytes: Buffer.concat(chunks, size), truncated: false };
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

function toOutboundError(
  error: unknown,
  host: string,
  signal: AbortSignal,
  timeoutMs: number,
): OutboundError {
  if (error instanceof OutboundError) return error;
  const code =
    typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
  if (signal.aborted || (code !== undefined && TIMEOUT_CODES.has(code)))
    return new OutboundError("outbound_timeout", `${host} did not answer within ${timeoutMs} ms`, true);
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  if (code === "UND_ERR_INVALID_ARG" || code === "ERR_INVALID_ARG_TYPE" || code === "ERR_INVALID_ARG_VALUE")
    return new OutboundError(
      "outbound_network",
      `the request to ${host} cannot be sent: ${error instanceof Error ? error.message : detail}`,
      false,
    );
  // A certificate that does not verify will not verify on the next try either.
  const transient = !(code?.startsWith("ERR_TLS_") || code?.includes("CERT"));
  return new OutboundError("outbound_network", `could not reach ${host}: ${detail}`, transient);
}
