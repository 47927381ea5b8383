import { Secret, TOTP } from "otpauth";

/** RFC 6238 as accounts.md has it: SHA-1, 6 digits, 30-second steps, one step of drift either way. */
const period = 30;
const parameters = { algorithm: "SHA1", digits: 6, period } as const;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/…` URI an authenticator app reads (usually as a QR code). */
export function totpUri(secret: string, issuer: string, account: string): string {
  return new TOTP({ ...parameters, issuer, label: account, secret: Secret.fromBase32(secret) }).toString();
}

/** The time step a code belongs to (now, one before or one after), or undefined when it matches none. */
export function matchingStep(secret: string, code: string, now = Date.now()): number | undefined {
  const totp = new TOTP({ ...parameters, secret: Secret.fromBase32(secret) });
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? undefined : Math.floor(now / 1000 / period) + delta;
}

/** The code for a time, for tests and for clients that compute it themselves. */
export function totpCode(secret: string, now = Date.now()): string {
  return new TOTP({ ...parameters, secret: Secret.fromBase32(secret) }).generate({ timestamp: now });
}
