import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";

/** Signed GET links to a file: valid until `expires` (Unix seconds), for one operator's one path. */
export interface FileLinks {
  /** The query string (`expires=…&signature=…`) that lets anyone read the file until it expires. */
  sign(operatorId: string, path: string, ttlSeconds: number): string;
  verify(operatorId: string, path: string, expires: number, signature: string): boolean;
}

/** The HMAC key is derived from the service's secret key, so rotating that key voids every link. */
export function createFileLinks(secretKey: Buffer): FileLinks {
  const key = Buffer.from(hkdfSync("sha256", secretKey, Buffer.alloc(0), "conflux file links", 32));
  const mac = (operatorId: string, path: string, expires: number) =>
    createHmac("sha256", key).update(`${operatorId}\n${path}\n${expires}`).digest();
  return {
    sign(operatorId, path, ttlSeconds) {
      const expires = Math.floor(Date.now() / 1000) + ttlSeconds;
      return `expires=${expires}&signature=${mac(operatorId, path, expires).toString("base64url")}`;
    },
    verify(operatorId, path, expires, signature) {
      if (!Number.isSafeInteger(expires) || expires * 1000 < Date.now()) return false;
      const expected = mac(operatorId, path, expires);
      const given = Buffer.from(signature, "base64url");
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
