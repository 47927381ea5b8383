import { describe, expect, it } from "vitest";
import { mayRetry, nextTryDelayMs, type RetryPolicy } from "./retry-policy.ts";

const policy: RetryPolicy = {
  baseMs: 1_000,
  maxWaitMs: 60_000,
  retryForMs: 24 * 3_600_000,
  maxTries: undefined,
};

describe("the retry policy", () => {
  it("doubles the wait from try to try, with jitter, and never waits more than the cap", () => {
    for (let n = 0; n < 50; n++) {
      const first = nextTryDelayMs(1, policy);
      expect(first).toBeGreaterThanOrEqual(800);
      expect(first).toBeLessThanOrEqual(1_200);
      const fourth = nextTryDelayMs(4, policy);
      expect(fourth).toBeGreaterThanOrEqual(6_400);
      expect(fourth).toBeLessThanOrEqual(9_600);
      expect(nextTryDelayMs(7, policy)).toBeLessThanOrEqual(60_000);
      expect(nextTryDelayMs(1_000, policy)).toBeLessThanOrEqual(60_000);
      expect(nextTryDelayMs(1_000, policy)).toBeGreaterThanOrEqual(48_000);
    }
  });

  it("waits at least as long as the destination's Retry-After asked, even past the cap", () => {
    expect(nextTryDelayMs(1, policy, 5_000)).toBe(5_000);
    expect(nextTryDelayMs(1, policy, 120_000)).toBe(120_000);
  });

  it("retries until the retry time is up, then gives up saying for how long it tried", () => {
    const now = 10 * 3_600_000;
    expect(mayRetry(500, now + 1, policy, now)).toEqual({ retry: true });
    const verdict = mayRetry(1_440, now, policy, now);
    expect(verdict).toEqual({ retry: false, note: " (gave up after 1440 tries over 24 h)" });
  });

  it("stops at a number of tries when one is set", () => {
    const limited = { ...policy, maxTries: 3 };
    expect(mayRetry(2, Number.MAX_SAFE_INTEGER, limited)).toEqual({ retry: true });
    expect(mayRetry(3, Number.MAX_SAFE_INTEGER, limited)).toEqual({ retry: false, note: "" });
  });
});
