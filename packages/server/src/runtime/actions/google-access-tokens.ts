import { createHash } from "node:crypto";
import { z } from "zod";
import type { OutboundClient } from "../../outbound/guarded-client.ts";
import type { GoogleServiceAccountKey, GoogleTokenPort } from "../ports/google-token-port.ts";
import { ActionError } from "./action.ts";

const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().default(3_600),
});

/** A token is used until this long before it expires, so none expires on its way to the receiver. */
const renewBeforeMs = 60_000;
const maxCached = 1_000;

interface CachedToken {
  token: Promise<{ accessToken: string; expiresAt: number }>;
}

/**
 * Access tokens for service accounts (OAuth 2.0 JWT bearer grant, RFC 7523): a JWT signed RS256 with the
 * account's private key is exchanged at the key's `token_uri`, and the answer is kept until shortly before
 * it expires. One process-wide cache, keyed by a hash of the key and scopes: a replaced key gets a new
 * token, and no token or key is kept in clear beyond the process's memory.
 */
export class GoogleAccessTokens implements GoogleTokenPort {
  private readonly cache = new Map<string, CachedToken>();

  constructor(private readonly outbound: OutboundClient) {}

  async tokenFor(key: GoogleServiceAccountKey, scopes: readonly string[]): Promise<string> {
    const cacheKey = createHash("sha256")
      .update(JSON.stringify([key.client_email, key.private_key, key.token_uri, scopes]))
      .digest("base64url");
    const cached = this.cache.get(cacheKey);
    if (cached) {
      try {
        const { accessToken, expiresAt } = await cached.token;
        if (Date.now() < expiresAt - renewBeforeMs) return accessToken;
      } catch {
        // A failed exchange is not kept: this call tries again.
      }
      if (this.cache.get(cacheKey) === cached) this.cache.delete(cacheKey);
    }
    // Concurrent steps with the same key share one exchange.
    const entry: CachedToken = { token: this.exchange(key, scopes) };
    if (this.cache.size >= maxCached) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(cacheKey, entry);
    try {
      return (await entry.token).accessToken;
    } catch (error) {
      if (this.cache.get(cacheKey) === entry) this.cache.delete(cacheKey);
      throw error;
    }
  }

  private async exchange(
    key: GoogleServiceAccountKey,
    scopes: readonly string[],
  ): Promise<{ accessToken: string; expiresAt: number }> {
    // Loaded on first use: every `conflux` command loads the server, and most never sign a JWT.
    const { importPKCS8, SignJWT } = await import("jose");
    let privateKey: Awaited<ReturnType<typeof importPKCS8>>;
    try {
      privateKey = await importPKCS8(key.private_key, "RS256");
    } catch {
      throw new ActionError("credentials_type", "the service account's private_key is not a PEM RSA key");
    }
    const now = Math.floor(Date.now() / 1_000);
    const assertion = await new SignJWT({ scope: scopes.join(" ") })
      .setProtectedHeader({
        alg: "RS256",
        typ: "JWT",
        ...(key.private_key_id ? { kid: key.private_key_id } : {}),
      })
      .setIssuer(key.client_email)
      .setAudience(key.token_uri)
      .setIssuedAt(now)
      .setExpirationTime(now + 3_600)
      .sign(privateKey);
    const requestedAt = Date.now();
    const response = await this.outbound.send({
      method: "POST",
      url: key.token_uri,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
        assertion,
      }).toString(),
      timeoutMs: 10_000,
      maxResponseBytes: 16_384,
    });
    const text = response.body.toString("utf8");
    if (response.status >= 400) {
      // OAuth's error body: {"error": "invalid_grant", "error_description": "…"}; it holds no secret.
      let detail = "";
      try {
        const body = JSON.parse(text) as { error?: unknown; error_description?: unknown };
        detail = [body.error, body.error_description].filter((part) => typeof part === "string").join(": ");
      } catch {}
      throw new ActionError(
        "google_token_refused",
        `Google's token endpoint answered HTTP ${response.status}${detail ? `: ${detail.slice(0, 500)}` : ""}`,
        response.status === 429 || response.status >= 500,
      );
    }
    let answer: z.infer<typeof tokenAnswerSchema>;
    try {
      answer = tokenAnswerSchema.parse(JSON.parse(text));
    } catch {
      throw new ActionError(
        "google_token_refused",
        "Google's token endpoint answered without an access token",
      );
    }
    return { accessToken: answer.access_token, expiresAt: requestedAt + answer.expires_in * 1_000 };
  }
}
