import { generateKeyPairSync, type KeyObject, randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { jwtVerify } from "jose";

/**
 * A stand-in for Google's OAuth 2.0 token endpoint and for a Google API behind it. The token endpoint
 * (`POST /token`, form-encoded, grant type `urn:ietf:params:oauth:grant-type:jwt-bearer`) verifies the
 * assertion's RS256 signature against the public key of the service account named by its `iss`, and its
 * audience, times and scope, then issues `{"access_token", "expires_in", "token_type": "Bearer"}`; errors
 * are OAuth's `{"error", "error_description"}`. The API (`/api/...`) takes only a token it issued.
 */

export interface ServiceAccount {
  clientEmail: string;
  privateKeyPem: string;
  publicKey: KeyObject;
}

export function createServiceAccount(clientEmail: string): ServiceAccount {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    clientEmail,
    publicKey,
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

export interface ApiRequest {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export class GoogleStandIn {
  /** Public keys of the service accounts Google knows, by client e-mail. */
  readonly accounts = new Map<string, KeyObject>();
  /** Verified assertions' claims, one per token issued. */
  readonly exchanges: Array<Record<string, unknown>> = [];
  readonly apiRequests: ApiRequest[] = [];
  /** Lifetime of issued tokens, in seconds. */
  expiresIn = 3_599;
  private readonly issued = new Set<string>();
  private server: Server | undefined;
  private url = "";

  get tokenUri(): string {
    return `${this.url}/token`;
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const reply = (status: number, answer: unknown) => {
          response.writeHead(status, { "content-type": "application/json" });
          response.end(JSON.stringify(answer));
        };
        if (request.method === "POST" && request.url === "/token") {
          void this.exchange(body).then(
            (answer) => reply(200, answer),
            (error: Error) => reply(400, { error: "invalid_grant", error_description: error.message }),
          );
          return;
        }
        if (request.url?.startsWith("/api/")) {
          const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
          if (!token || !this.issued.has(token))
            return reply(401, {
              error: { code: 401, message: "Request had invalid authentication credentials." },
            });
          this.apiRequests.push({ url: request.url, headers: request.headers, body });
          return reply(200, { ok: true });
        }
        reply(404, { error: "not_found" });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  private async exchange(body: string) {
    const form = new URLSearchParams(body);
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer")
      throw new Error("Invalid grant_type");
    const assertion = form.get("assertion") ?? "";
    const unverified = JSON.parse(Buffer.from(assertion.split(".")[1] ?? "", "base64url").toString("utf8"));
    const publicKey = this.accounts.get(unverified.iss);
    if (!publicKey) throw new Error("Invalid JWT: no such service account");
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(assertion, publicKey, {
        algorithms: ["RS256"],
        issuer: unverified.iss,
        audience: this.tokenUri,
        requiredClaims: ["iat", "exp", "scope"],
      }));
    } catch (error) {
      throw new Error(`Invalid JWT Signature. (${(error as Error).message})`);
    }
    if ((claims.exp as number) - (claims.iat as number) > 3_600)
      throw new Error("Invalid JWT: Token must be a short-lived token (60 minutes)");
    this.exchanges.push(claims);
    const token = `ya29.${randomBytes(24).toString("base64url")}`;
    this.issued.add(token);
    return { access_token: token, expires_in: this.expiresIn, token_type: "Bearer" };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
