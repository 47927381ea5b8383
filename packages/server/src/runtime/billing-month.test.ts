import { describe, expect, it } from "vitest";
import { billingDay, billingMonth, monthEnd, monthStart, nextMonth } from "./billing-month.ts";

const at = (iso: string) => Date.parse(iso);

describe("billingMonth", () => {
  it.each([
    ["UTC", "2026-01-31T23:59:59.999Z", "2026-01"],
    ["UTC", "2026-02-01T00:00:00.000Z", "2026-02"],
    ["UTC", "2026-12-31T23:59:59.999Z", "2026-12"],
    ["Asia/Tokyo", "2026-01-31T14:59:59.999Z", "2026-01"],
    ["Asia/Tokyo", "2026-01-31T15:00:00.000Z", "2026-02"],
    ["Asia/Tokyo", "2026-12-31T15:00:00.000Z", "2027-01"],
    ["Asia/Kolkata", "2026-04-30T18:29:59.999Z", "2026-04"],
    ["Asia/Kolkata", "2026-04-30T18:30:00.000Z", "2026-05"],
    ["Pacific/Kiritimati", "2026-06-30T09:59:59.999Z", "2026-06"],
    ["Pacific/Kiritimati", "2026-06-30T10:00:00.000Z", "2026-07"],
    ["America/New_York", "2026-03-01T04:59:59.999Z", "2026-02"],
    ["America/New_York", "2026-03-01T05:00:00.000Z", "2026-03"],
    // Eastern daylight time (UTC-4) on Oct 31, standard time from Nov 1 02:00.
    ["America/New_York", "2026-11-01T03:59:59.999Z", "2026-10"],
    ["America/New_York", "2026-11-01T04:00:00.000Z", "2026-11"],
    ["Europe/London", "2026-03-31T22:59:59.999Z", "2026-03"],
    ["Europe/London", "2026-03-31T23:00:00.000Z", "2026-04"],
    ["Pacific/Honolulu", "2028-03-01T09:59:59.999Z", "2028-02"],
    ["Australia/Sydney", "2026-09-30T13:59:59.999Z", "2026-09"],
    ["Australia/Sydney", "2026-09-30T14:00:00.000Z", "2026-10"],
  ])("in %s, %s is in %s", (zone, time, month) => {
    expect(billingMonth(at(time), zone)).toBe(month);
  });

  it("gives the day in the zone, a leap day included", () => {
    expect(billingDay(at("2028-02-29T20:00:00Z"), "Asia/Tokyo")).toBe("2028-03-01");
    expect(billingDay(at("2028-02-29T20:00:00Z"), "UTC")).toBe("2028-02-29");
    expect(billingDay(at("2028-03-01T02:00:00Z"), "America/Los_Angeles")).toBe("2028-02-29");
  });
});

describe("monthStart and monthEnd", () => {
  it.each([
    ["UTC", "2026-02", "2026-02-01T00:00:00.000Z"],
    ["Asia/Tokyo", "2026-02", "2026-01-31T15:00:00.000Z"],
    ["Asia/Kolkata", "2027-01", "2026-12-31T18:30:00.000Z"],
    ["America/New_York", "2026-03", "2026-03-01T05:00:00.000Z"],
    ["America/New_York", "2026-04", "2026-04-01T04:00:00.000Z"],
    ["America/New_York", "2026-11", "2026-11-01T04:00:00.000Z"],
    ["America/New_York", "2026-12", "2026-12-01T05:00:00.000Z"],
    ["Europe/London", "2026-04", "2026-03-31T23:00:00.000Z"],
    ["Australia/Lord_Howe", "2026-11", "2026-10-31T13:00:00.000Z"],
  ])("in %s, %s starts at %s", (zone, month, start) => {
    expect(new Date(monthStart(month, zone)).toISOString()).toBe(start);
  });

  it("ends a month where the next one starts, across a year's end", () => {
    expect(nextMonth("2026-12")).toBe("2027-01");
    expect(new Date(monthEnd(at("2026-12-15T00:00:00Z"), "Asia/Tokyo")).toISOString()).toBe(
      "2026-12-31T15:00:00.000Z",
    );
    expect(new Date(monthEnd(at("2026-10-31T23:00:00Z"), "America/New_York")).toISOString()).toBe(
      "2026-11-01T04:00:00.000Z",
    );
  });
});
