import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for an AWS endpoint (API Gateway, Lambda function URL…) that checks AWS Signature Version 4
 * as AWS does, computed here from the specification with node:crypto alone (not with the library the
 * server signs with): canonical request, string to sign, signing key derived from the secret, then the
 * signature compared. A request it cannot verify gets AWS's 403 `{"message": …}`.
 */

export interface AwsKey {
  secretAccessKey: string;
  sessionToken?: string;
}

export interface VerifiedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  accessKeyId: string;
  region: string;
  service: string;
}

const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding, as SigV4 wants it: everything but unreserved characters. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function canonicalQuery(search: URLSearchParams): string {
  return [...search.entries()]
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

/** Each segment of the (already encoded) path is encoded once more, as every service but S3 expects. */
function canonicalPath(pathname: string): string {
  return pathname
    .split("/")
    .map((segment) => encode(decodeURIComponent(segment)))
    .map((segment) => encode(segment))
    .join("/");
}

export function verifySigV4(
  request: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer },
  keys: ReadonlyMap<string, AwsKey>,
  now = Date.now(),
): { ok: true; accessKeyId: string; region: string; service: string } | { ok: false; why: string } {
  const authorization = request.headers.authorization ?? "";
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match)
    return {
      ok: false,
      why: "Authorization header requires a SigV4 credential, signed headers and signature",
    };
  const [, accessKeyId, day, region, service, signedHeaderList, signature] = match as unknown as string[];
  const key = keys.get(accessKeyId as string);
  if (!key) return { ok: false, why: "The security token included in the request is invalid." };
  const amzDate = String(request.headers["x-amz-date"] ?? "");
  if (!amzDate.startsWith(day as string))
    return { ok: false, why: "x-amz-date does not match the credential scope" };
  const signedAt = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (!(Math.abs(now - signedAt) < 5 * 60_000)) return { ok: false, why: "Signature expired" };
  if (key.sessionToken && request.headers["x-amz-security-token"] !== key.sessionToken)
    return { ok: false, why: "The security token included in the request is invalid." };
  const signedHeaders = (signedHeaderList as string).split(";");
  if (!signedHeaders.includes("host")) return { ok: false, why: "the host header must be signed" };
  const url = new URL(request.url, "http://placeholder");
  const payloadHash = sha256Hex(request.body);
  const declared = request.headers["x-amz-content-sha256"];
  if (declared !== undefined && declared !== payloadHash && declared !== "UNSIGNED-PAYLOAD")
    return { ok: false, why: "The provided 'x-amz-content-sha256' header does not match what was computed." };
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = request.headers[name];
      const text = Array.isArray(value) ? value.join(",") : (value ?? "");
      return `${name}:${text.trim().replace(/\s+/g, " ")}\n`;
    })
    .join("");
  const canonicalRequest = [
    request.method,
    canonicalPath(url.pathname),
    canonicalQuery(url.searchParams),
    canonicalHeaders,
    signedHeaderList,
    payloadHash,
  ].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, day as string), region as string), service as string),
    "aws4_request",
  );
  const expected = createHmac("sha256", signingKey).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature as string, "hex")))
    return {
      ok: false,
      why: "The request signature we calculated does not match the signature you provided.",
    };
  return {
    ok: true,
    accessKeyId: accessKeyId as string,
    region: region as string,
    service: service as string,
  };
}

export class AwsStandIn {
  readonly keys = new Map<string, AwsKey>();
  readonly verified: VerifiedRequest[] = [];
  readonly refused: string[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks);
        const method = request.method ?? "";
        const url = request.url ?? "/";
        const outcome = verifySigV4({ method, url, headers: request.headers, body }, this.keys);
        response.setHeader("content-type", "application/json");
        if (!outcome.ok) {
          this.refused.push(outcome.why);
          response.writeHead(403);
          response.end(JSON.stringify({ message: outcome.why }));
          return;
        }
        const { ok: _, ...who } = outcome;
        this.verified.push({ method, url, headers: request.headers, body: body.toString("utf8"), ...who });
        response.writeHead(200);
        response.end(JSON.stringify({ received: true }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
