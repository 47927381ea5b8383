import { describe, expect, it } from "vitest";
import { firstDayOfNextMonth } from "./zoned-month.ts";

const at = (iso: string) => Date.parse(iso);

describe("the first day of the next month in a billing time zone", () => {
  it.each([
    // zone, now (UTC), the date, its first instant (UTC)
    ["UTC", "2026-12-05T12:00:00Z", "2027-01-01", "2027-01-01T00:00:00Z"],
    ["UTC", "2026-01-31T23:59:59.999Z", "2026-02-01", "2026-02-01T00:00:00Z"],
    ["UTC", "2026-02-01T00:00:00Z", "2026-03-01", "2026-03-01T00:00:00Z"],
    // Tokyo is already in February while UTC is still in January.
    ["Asia/Tokyo", "2026-01-31T16:00:00Z", "2026-03-01", "2026-02-28T15:00:00Z"],
    ["Asia/Tokyo", "2026-01-31T14:59:59Z", "2026-02-01", "2026-01-31T15:00:00Z"],
    // Los Angeles is still in January while UTC is in February.
    ["America/Los_Angeles", "2026-02-01T05:00:00Z", "2026-02-01", "2026-02-01T08:00:00Z"],
    // Leap year: February has 29 days, and the month after is March in local time.
    ["Asia/Tokyo", "2028-02-29T14:00:00Z", "2028-03-01", "2028-02-29T15:00:00Z"],
    // New York: standard time now, daylight time on the first (and the reverse).
    ["America/New_York", "2026-03-15T12:00:00Z", "2026-04-01", "2026-04-01T04:00:00Z"],
    ["America/New_York", "2026-10-20T12:00:00Z", "2026-11-01", "2026-11-01T04:00:00Z"],
    ["America/New_York", "2026-11-15T12:00:00Z", "2026-12-01", "2026-12-01T05:00:00Z"],
    ["Europe/London", "2026-03-10T00:00:00Z", "2026-04-01", "2026-03-31T23:00:00Z"],
    ["Europe/London", "2026-12-31T23:30:00Z", "2027-01-01", "2027-01-01T00:00:00Z"],
    // Southern hemisphere: daylight time in December, half-hour offsets.
    ["Australia/Adelaide", "2026-12-31T13:00:00Z", "2027-01-01", "2026-12-31T13:30:00Z"],
    ["Australia/Lord_Howe", "2026-09-10T00:00:00Z", "2026-10-01", "2026-09-30T13:30:00Z"],
    ["Asia/Kolkata", "2026-06-30T18:29:59Z", "2026-07-01", "2026-06-30T18:30:00Z"],
    // The extremes of the clock: UTC+14 and UTC−11.
    ["Pacific/Kiritimati", "2026-05-31T09:59:59Z", "2026-06-01", "2026-05-31T10:00:00Z"],
    ["Pacific/Kiritimati", "2026-05-31T10:00:00Z", "2026-07-01", "2026-06-30T10:00:00Z"],
    ["Pacific/Pago_Pago", "2026-05-31T10:00:00Z", "2026-06-01", "2026-06-01T11:00:00Z"],
  ])("in %s at %s it is %s, from %s", (zone, now, date, startsAt) => {
    expect(firstDayOfNextMonth(at(now), zone)).toEqual({ date, startMs: at(startsAt) });
  });

  it.each([
    // Clocks went from 00:00 to 01:00 on these first days: the month starts when the gap ends.
    ["America/Asuncion", "2023-09-15T12:00:00Z", "2023-10-01", "2023-10-01T04:00:00Z"],
    ["America/Havana", "2012-03-20T12:00:00Z", "2012-04-01", "2012-04-01T05:00:00Z"],
  ])("in %s at %s, whose midnight a DST gap swallowed, it is %s from %s", (zone, now, date, startsAt) => {
    expect(firstDayOfNextMonth(at(now), zone)).toEqual({ date, startMs: at(startsAt) });
  });
});
