import { describe, expect, it } from "vitest";
import { matchingStep, newTotpSecret, totpCode, totpUri } from "./totp.ts";

describe("TOTP", () => {
  // RFC 6238 appendix B: the SHA-1 secret "12345678901234567890", 8-digit codes end in these 6 digits.
  const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  it.each([
    [59_000, "287082"],
    [1_111_111_109_000, "081804"],
    [20_000_000_000_000, "353130"],
  ])("gives RFC 6238's code at %d ms", (time, code) => {
    expect(totpCode(rfcSecret, time)).toBe(code);
  });

  it("accepts the step before and after, and no further", () => {
    const secret = newTotpSecret();
    const now = 1_800_000_015_000;
    const step = Math.floor(now / 30_000);
    expect(matchingStep(secret, totpCode(secret, now - 30_000), now)).toBe(step - 1);
    expect(matchingStep(secret, totpCode(secret, now + 30_000), now)).toBe(step + 1);
    expect(matchingStep(secret, totpCode(secret, now - 60_000), now)).toBeUndefined();
    expect(matchingStep(secret, totpCode(secret, now + 60_000), now)).toBeUndefined();
  });

  it("writes an otpauth URI with the secret, SHA-1, 6 digits and 30 s", () => {
    const uri = new URL(totpUri("JBSWY3DPEHPK3PXP", "Conflux", "me@example.com"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe("JBSWY3DPEHPK3PXP");
    expect(uri.searchParams.get("algorithm")).toBe("SHA1");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
  });
});
