import { describe, expect, it } from "vitest";
import { failureWindowMs, throttleVerdict } from "./sign-in-throttle.ts";

const now = 10 * failureWindowMs;
/** `count` failures, the newest `ageMs` ago, one second apart. */
const failures = (count: number, ageMs = 0) =>
  Array.from({ length: count }, (_, index) => now - ageMs - index * 1_000);

describe("throttleVerdict", () => {
  it.each([
    ["4 account failures", failures(4), [], { allowed: true }],
    [
      "5 account failures, the last just now",
      failures(5),
      [],
      { allowed: false, retryAfterMs: 5_000, locked: false },
    ],
    ["5 account failures, the last 5 s ago", failures(5, 5_000), [], { allowed: true }],
    [
      "7 account failures: the wait doubles",
      failures(7),
      [],
      { allowed: false, retryAfterMs: 20_000, locked: false },
    ],
    ["9 account failures a minute ago", failures(9, 60_000), [], { allowed: true }],
    [
      "10 account failures, the oldest 14 min 59 s ago: locked 1 s more",
      failures(10, failureWindowMs - 10_000),
      [],
      { allowed: false, retryAfterMs: 1_000, locked: true },
    ],
    ["9 address failures", [], failures(9), { allowed: true }],
    ["10 address failures", [], failures(10), { allowed: false, retryAfterMs: 5_000, locked: false }],
    [
      "30 address failures, the newest a minute ago: locked",
      [],
      failures(30, 60_000),
      { allowed: false, retryAfterMs: failureWindowMs - 60_000 - 29_000, locked: true },
    ],
    [
      "the stricter of the two wins",
      failures(6),
      failures(10),
      { allowed: false, retryAfterMs: 10_000, locked: false },
    ],
  ])("%s", (_name, account, address, verdict) => {
    expect(throttleVerdict({ account, address }, now)).toEqual(verdict);
  });

  it("never locks longer than the window", () => {
    const verdict = throttleVerdict({ account: failures(200), address: failures(200) }, now);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.retryAfterMs).toBeLessThanOrEqual(failureWindowMs);
  });
});
