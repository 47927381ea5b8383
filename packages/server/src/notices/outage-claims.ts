/** The claim rules of an outage [15.2.2] (billing.md "Outage credit"): pure, the caller passes the time. */

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

/** How long a claim stays open after the outage ends, in calendar months. */
export const claimMonths = 3;

/** The outage's exact length in hours (for display; days are counted on whole milliseconds). */
export function outageHours(outage: { startedAt: number; endedAt: number }): number {
  return (outage.endedAt - outage.startedAt) / hourMs;
}

/** Whole days of the outage: floor(hours / 24) in integer milliseconds, so 71 h is 2 days and 23 h none. */
export function outageDays(outage: { startedAt: number; endedAt: number }): number {
  const length = outage.endedAt - outage.startedAt;
  return (length - (length % dayMs)) / dayMs;
}

/**
 * `ms` moved `months` calendar months on in UTC, the day kept or, when the month is shorter, its
 * last day (31 January + 1 month = 28 or 29 February), the time of day kept.
 */
export function addCalendarMonths(ms: number, months: number): number {
  const time = new Date(ms);
  const year = time.getUTCFullYear();
  const month = time.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(
    year,
    month,
    Math.min(time.getUTCDate(), lastDay),
    time.getUTCHours(),
    time.getUTCMinutes(),
    time.getUTCSeconds(),
    time.getUTCMilliseconds(),
  );
}

/** The last moment an outage may be claimed: 3 calendar months after it ended (that moment included). */
export function claimDeadline(outage: { endedAt: number }): number {
  return addCalendarMonths(outage.endedAt, claimMonths);
}

export function isClaimableAt(outage: { endedAt: number }, now: number): boolean {
  return now <= claimDeadline(outage);
}

/** The billing month ("YYYY-MM") of `ms` in `timeZone` (an IANA name). */
export function billingMonthOf(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
  }).formatToParts(new Date(ms));
  const part = (type: string) => parts.find((candidate) => candidate.type === type)?.value ?? "";
  return `${part("year").padStart(4, "0")}-${part("month")}`;
}
