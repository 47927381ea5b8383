/**
 * Calendar months in the provider's billing time zone (an IANA name), computed with Intl alone:
 * a downgrade takes effect at the first instant of the next month there.
 */

interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** The wall clock read as if it were UTC, in ms: comparable with Date.UTC of a local date. */
  wallMs: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function localTime(instant: number, timeZone: string): LocalTime {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(instant)
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<"year" | "month" | "day" | "hour" | "minute" | "second", number>;
  const wholeSeconds = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    wallMs: wholeSeconds + (((instant % 1000) + 1000) % 1000),
  };
}

/** The first instant of a local calendar day: midnight, or the end of a DST gap that swallowed it. */
function startOfLocalDay(year: number, month: number, day: number, timeZone: string): number {
  const midnight = Date.UTC(year, month - 1, day);
  const dayMs = 86_400_000;
  // The zone's offset a day either side covers a transition on that day (offsets change by < 24 h).
  const candidates = [midnight - dayMs, midnight, midnight + dayMs].map(
    (probe) => midnight - (localTime(probe, timeZone).wallMs - probe),
  );
  const onOrAfter = candidates.filter((instant) => localTime(instant, timeZone).wallMs >= midnight);
  return Math.min(...onOrAfter);
}

/** `YYYY-MM-DD` of a local date. */
function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The first day of the month after `now`'s, in `timeZone`: as `YYYY-MM-DD` and as its first instant (Unix ms). */
export function firstDayOfNextMonth(now: number, timeZone: string): { date: string; startMs: number } {
  const { year, month } = localTime(now, timeZone);
  const nextYear = month === 12 ? year + 1 : year;
  const nextMonth = month === 12 ? 1 : month + 1;
  return {
    date: isoDate(nextYear, nextMonth, 1),
    startMs: startOfLocalDay(nextYear, nextMonth, 1, timeZone),
  };
}

/** The local date of an instant in `timeZone`, as `YYYY-MM-DD`. */
export function localDate(instant: number, timeZone: string): string {
  const { year, month, day } = localTime(instant, timeZone);
  return isoDate(year, month, day);
}
