import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCalendarMonths,
  billingMonthOf,
  claimDeadline,
  isClaimableAt,
  outageDays,
  outageHours,
} from "./outage-claims.ts";

const hour = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const lasting = (ms: number) => ({
  startedAt: at("2026-03-01T00:00:00Z"),
  endedAt: at("2026-03-01T00:00:00Z") + ms,
});

describe("the days an outage is worth", () => {
  it.each([
    [23 * hour, 0],
    [24 * hour - 1, 0],
    [24 * hour, 1],
    [71 * hour, 2],
    [72 * hour - 1, 2],
    [72 * hour, 3],
    [30 * 24 * hour + 5, 30],
  ])("%d ms is %d whole days", (length, days) => {
    expect(outageDays(lasting(length))).toBe(days);
  });

  it("are floor(hours / 24) for any length", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * 365 * 24 * hour }), (length) => {
        const days = outageDays(lasting(length));
        expect(Number.isInteger(days)).toBe(true);
        expect(days * 24 * hour).toBeLessThanOrEqual(length);
        expect((days + 1) * 24 * hour).toBeGreaterThan(length);
      }),
    );
  });

  it("come with the exact hours", () => {
    expect(outageHours(lasting(71 * hour + hour / 2))).toBe(71.5);
  });
});

describe("the claim deadline: 3 calendar months after the outage ended", () => {
  it.each([
    ["2026-01-15T10:30:00.000Z", "2026-04-15T10:30:00.000Z"],
    ["2026-11-30T23:00:00.000Z", "2027-02-28T23:00:00.000Z"],
    ["2027-11-30T23:00:00.000Z", "2028-02-29T23:00:00.000Z"],
    ["2026-05-31T00:00:00.000Z", "2026-08-31T00:00:00.000Z"],
    ["2026-03-31T12:00:00.000Z", "2026-06-30T12:00:00.000Z"],
    ["2026-12-01T00:00:00.000Z", "2027-03-01T00:00:00.000Z"],
  ])("an outage ended %s may be claimed until %s", (endedAt, deadline) => {
    expect(new Date(claimDeadline({ endedAt: at(endedAt) })).toISOString()).toBe(deadline);
  });

  it("includes the deadline itself and refuses a millisecond later", () => {
    const outage = { endedAt: at("2026-01-15T10:30:00Z") };
    expect(isClaimableAt(outage, at("2026-04-15T10:30:00Z"))).toBe(true);
    expect(isClaimableAt(outage, at("2026-04-15T10:30:00.001Z"))).toBe(false);
    expect(isClaimableAt(outage, at("2026-01-15T10:30:00Z"))).toBe(true);
  });

  it("keeps the time of day and never moves into the month after the target month", () => {
    fc.assert(
      fc.property(fc.integer({ min: at("2000-01-01T00:00:00Z"), max: at("2100-01-01T00:00:00Z") }), (ms) => {
        const from = new Date(ms);
        const to = new Date(addCalendarMonths(ms, 3));
        expect(to.getTime() % 86_400_000).toBe(from.getTime() % 86_400_000);
        const monthsApart =
          (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
        expect(monthsApart).toBe(3);
        expect(to.getUTCDate()).toBeLessThanOrEqual(from.getUTCDate());
      }),
    );
  });
});

describe("the billing month of an outage", () => {
  it("is the month of its start in the billing time zone", () => {
    expect(billingMonthOf(at("2026-01-31T16:00:00Z"), "UTC")).toBe("2026-01");
    expect(billingMonthOf(at("2026-01-31T16:00:00Z"), "Asia/Tokyo")).toBe("2026-02");
    expect(billingMonthOf(at("2026-03-01T03:00:00Z"), "America/New_York")).toBe("2026-02");
  });
});
