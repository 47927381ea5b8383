/**
 * Billing dates as calendar values, never instants: a billing month is `YYYY-MM` and a day is
 * `YYYY-MM-DD` of the provider's billing time zone. Arithmetic goes through day numbers (days since
 * 1970-01-01 of the proleptic Gregorian calendar), which have no time zone and no daylight saving.
 */

export type BillingMonth = string;
export type BillingDay = string;

const monthShape = /^(\d{4})-(0[1-9]|1[0-2])$/;
const dayShape = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const msPerDay = 86_400_000;

function pad(value: number, width: number): string {
  return String(value).padStart(width, "0");
}

export function parseMonth(month: BillingMonth): { year: number; month: number } {
  const match = monthShape.exec(month);
  if (!match) throw new RangeError(`${month} is not a month as YYYY-MM`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

export function formatMonth(year: number, month: number): BillingMonth {
  return `${pad(year, 4)}-${pad(month, 2)}`;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(month: BillingMonth): number {
  const { year, month: number } = parseMonth(month);
  if (number === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(number) ? 30 : 31;
}

/** The month `count` months after `month` (before it when negative). */
export function addMonths(month: BillingMonth, count: number): BillingMonth {
  const { year, month: number } = parseMonth(month);
  const index = year * 12 + (number - 1) + count;
  return formatMonth(Math.floor(index / 12), (index % 12) + 1);
}

export function dayNumber(day: BillingDay): number {
  const match = dayShape.exec(day);
  if (!match) throw new RangeError(`${day} is not a date as YYYY-MM-DD`);
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (date > daysInMonth(formatMonth(year, month)))
    throw new RangeError(`${day} is not a date of the calendar`);
  return Date.UTC(year, month - 1, date) / msPerDay;
}

export function dayOfNumber(number: number): BillingDay {
  return new Date(number * msPerDay).toISOString().slice(0, 10);
}

export function monthOfDay(day: BillingDay): BillingMonth {
  dayNumber(day);
  return day.slice(0, 7);
}

export function lastDayOf(month: BillingMonth): BillingDay {
  return `${month}-${pad(daysInMonth(month), 2)}`;
}

/** billing.md: the last day of the month after the invoice's month. */
export function dueDateOf(month: BillingMonth): BillingDay {
  return lastDayOf(addMonths(month, 1));
}
