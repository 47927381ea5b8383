/**
 * The calendar of usage and invoices: days and months in the provider's billing time zone (an IANA
 * name, provider settings). Pure: every function takes the time it is about.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    // Throws RangeError for a zone the runtime does not know.
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(at: number, zone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(zone).formatToParts(at))
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  return parts as unknown as WallClock;
}

/** How far the zone's wall clock is ahead of UTC at `at`, in ms (negative west of Greenwich). */
function offsetAt(at: number, zone: string): number {
  const wall = wallClock(at, zone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(at / 1000) * 1000;
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** One day per zone and minute is remembered: the bus asks for every event, and offsets change on minutes. */
const lastDays = new Map<string, { minute: number; day: string }>();

/** `YYYY-MM-DD`: the day `at` falls on in `zone`. */
export function billingDay(at: number, zone: string): string {
  const minute = Math.floor(at / 60_000);
  const last = lastDays.get(zone);
  if (last?.minute === minute) return last.day;
  const wall = wallClock(at, zone);
  const day = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
  lastDays.set(zone, { minute, day });
  return day;
}

/** `YYYY-MM`: the billing month `at` falls in, in `zone`. */
export function billingMonth(at: number, zone: string): string {
  return billingDay(at, zone).slice(0, 7);
}

/** When the month `YYYY-MM` begins in `zone` (its first day's midnight, or the first instant after it). */
export function monthStart(month: string, zone: string): number {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  const wallMidnight = Date.UTC(year, monthNumber - 1, 1);
  // The offset at the guess can differ from the one at the answer by a DST change; a second pass settles it.
  let at = wallMidnight - offsetAt(wallMidnight, zone);
  at = wallMidnight - offsetAt(at, zone);
  return at;
}

/** The month after `YYYY-MM`. */
export function nextMonth(month: string): string {
  const [year, monthNumber] = month.split("-").map(Number) as [number, number];
  return monthNumber === 12 ? `${pad(year + 1, 4)}-01` : `${pad(year, 4)}-${pad(monthNumber + 1)}`;
}

/** When the billing month that `at` falls in ends in `zone` (the next one's start). */
export function monthEnd(at: number, zone: string): number {
  return monthStart(nextMonth(billingMonth(at, zone)), zone);
}

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    formatterOf(zone);
    return true;
  } catch {
    return false;
  }
}
