// Time values are Unix milliseconds (numbers). This file reads ISO 8601 text into them and formats
// them in an IANA time zone with Intl.DateTimeFormat, which Node and every browser provide.
import { ExpressionError } from "./errors.ts";
import { type DateToken, scanIsoDatetime, writeDatePattern } from "./scanners.ts";
import { checkStringLength } from "./values.ts";

function buildUtc(
  year: number,
  month: number,
  day: number,
  hours = 0,
  minutes = 0,
  seconds = 0,
  ms = 0,
): Date {
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hours, minutes, seconds, ms);
  return date;
}

/**
 * "2024-03-07", "2024-03-07T09:30:00Z", "2024-03-07T18:30:00.250+09:00" → Unix ms; anything else,
 * including impossible dates like "2024-02-30", → null. Without an offset the time is UTC, so the
 * answer never depends on the time zone of the machine that evaluates it.
 */
export function parseIsoDatetime(text: string): number | null {
  const fields = scanIsoDatetime(text.trim());
  if (!fields) return null;
  const { year, month, day, hours, minutes, seconds, fraction, offset } = fields;
  if (month < 1 || month > 12 || hours > 23 || minutes > 59 || seconds > 59) return null;
  const ms = Number(fraction.padEnd(3, "0").slice(0, 3));
  const date = buildUtc(year, month, day, hours, minutes, seconds, ms);
  if (date.getUTCDate() !== day) return null;
  if (offset && (offset.hours > 23 || offset.minutes > 59)) return null;
  const offsetMs = offset ? offset.sign * (offset.hours * 60 + offset.minutes) * 60_000 : 0;
  return date.getTime() - offsetMs;
}

/** A Date for a time value, or a type error when the number is outside the range of dates. */
export function toDate(time: number, functionName: string): Date {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) {
    throw new ExpressionError("expression_type", `${functionName}() got ${time}, which is not a valid time`);
  }
  return date;
}

// Creating a DateTimeFormat costs tens of microseconds; apps use a handful of zones.
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_CACHED_FORMATTERS = 64;

// The longest IANA name is about 30 characters; a longer one is not handed to Intl at all.
const MAX_TIME_ZONE_LENGTH = 64;

function unknownTimeZone(timeZone: string): ExpressionError {
  const shown =
    timeZone.length > MAX_TIME_ZONE_LENGTH ? `${timeZone.slice(0, MAX_TIME_ZONE_LENGTH)}…` : timeZone;
  return new ExpressionError(
    "expression_type",
    `formatDate() got unknown time zone '${shown}'; use an IANA name such as 'Asia/Tokyo' or 'UTC'`,
  );
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  if (timeZone.length > MAX_TIME_ZONE_LENGTH) throw unknownTimeZone(timeZone);
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  } catch {
    throw unknownTimeZone(timeZone);
  }
  if (formatters.size >= MAX_CACHED_FORMATTERS) formatters.clear();
  formatters.set(timeZone, formatter);
  return formatter;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

function formatOffset(offsetMinutes: number, separator: string): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const absolute = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(absolute / 60), 2)}${separator}${pad(absolute % 60, 2)}`;
}

/**
 * Tokens: YYYY MM DD HH mm ss SSS, Z (+09:00) and ZZ (+0900). Text in [brackets] is copied as is;
 * every other character is copied too.
 */
export function formatDate(time: number, pattern: string, timeZone: string): string {
  const date = toDate(time, "formatDate");
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const year = fields.year ?? 0;
  const month = fields.month ?? 1;
  const day = fields.day ?? 1;
  const hour = fields.hour ?? 0;
  const minute = fields.minute ?? 0;
  const second = fields.second ?? 0;
  const wholeSeconds = Math.floor(time / 1000) * 1000;
  const offsetMinutes = Math.round(
    (buildUtc(year, month, day, hour, minute, second).getTime() - wholeSeconds) / 60_000,
  );
  const values: Record<DateToken, string> = {
    YYYY: pad(year, 4),
    MM: pad(month, 2),
    DD: pad(day, 2),
    HH: pad(hour, 2),
    mm: pad(minute, 2),
    ss: pad(second, 2),
    SSS: pad(date.getUTCMilliseconds(), 3),
    Z: formatOffset(offsetMinutes, ":"),
    ZZ: formatOffset(offsetMinutes, ""),
  };
  // A pattern can grow six-fold (Z is +09:00): the result is measured as it is written.
  const pieces: string[] = [];
  let length = 0;
  writeDatePattern(
    pattern,
    (token) => values[token],
    (piece) => {
      length += piece.length;
      checkStringLength(length);
      pieces.push(piece);
    },
  );
  return pieces.join("");
}
