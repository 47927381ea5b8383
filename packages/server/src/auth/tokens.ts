import { createHash, randomBytes, randomInt, randomUUID } from "node:crypto";

/** Tokens are stored as their SHA-256 only: a copy of the database does not log anyone in. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("base64url");
}

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function newApiKey(): string {
  return `api-${randomUUID()}`;
}

/** `OP` + 10 digits, as SORACOM's operator ids. */
export function newOperatorId(): string {
  return `OP${String(randomInt(0, 10_000_000_000)).padStart(10, "0")}`;
}

export const defaultTokenLifetimeSeconds = 24 * 60 * 60;
export const maxTokenLifetimeSeconds = 48 * 60 * 60;

/** Auth keys as SORACOM's: `keyId-…` names the key, `secret-…` is shown once and kept as its hash. */
export function newAuthKeyId(): string {
  return `keyId-${randomBytes(16).toString("hex")}`;
}

export function newAuthKeySecret(): string {
  return `secret-${randomBytes(32).toString("base64url")}`;
}
