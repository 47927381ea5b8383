import type { Kysely } from "kysely";
import { z } from "zod";
import { UserError } from "../errors.ts";
import type { DatabaseKind } from "./database.ts";
import { eraseOperator } from "./operator-erasure.ts";
import type { Database, OperatorClosingsTable } from "./schema.ts";

const dayMs = 86_400_000;

/** `YYYY-MM-DD` that names a real day. */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date is YYYY-MM-DD")
  .refine(
    (date) => new Date(`${date}T00:00:00Z`).toISOString().startsWith(date),
    "no such day in the calendar",
  );

/** `YYYY-MM-DD` of the instant `at` in `timeZone`. */
export function dateIn(timeZone: string, at: number): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}

/** How far `timeZone`'s wall clock is ahead of UTC at the instant `at`, in ms. */
function offsetAt(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part("year"),
    part("month") - 1,
    part("day"),
    part("hour"),
    part("minute"),
    part("second"),
  );
  return wall - Math.floor(at / 1000) * 1000;
}

/** The instant the day `date` (`YYYY-MM-DD`) starts in `timeZone`. */
export function startOfDay(date: string, timeZone: string): number {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, day);
  // Twice: the offset at the guess may differ from the offset at the answer across a DST change.
  const guess = wall - offsetAt(timeZone, wall);
  return wall - offsetAt(timeZone, guess);
}

/** The day after `date`, both `YYYY-MM-DD`. */
function nextDay(date: string): string {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day) + dayMs).toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day) + days * dayMs).toISOString().slice(0, 10);
}

/** What decides when a closing takes effect: the provider's time zone and notice. */
export interface ClosingTerms {
  timeZone: string;
  /** The provider's date is today + this many days (0: the end of today). */
  noticeDays: number;
}

/**
 * The last day of the account [ToS 6]: the later of the requested day and the provider's (today in the
 * billing time zone plus the notice); the account is erased when that day ends there.
 */
export function closingDate(
  requested: string | undefined,
  terms: ClosingTerms,
  now: number,
): { effectiveDate: string; deleteAt: number } {
  const earliest = addDays(dateIn(terms.timeZone, now), terms.noticeDays);
  const effectiveDate = requested !== undefined && requested > earliest ? requested : earliest;
  return { effectiveDate, deleteAt: startOfDay(nextDay(effectiveDate), terms.timeZone) };
}

export type OperatorClosing = Omit<OperatorClosingsTable, "reason" | "createdAt"> & { reason?: string };

/** Closings of accounts waiting for their date. */
export class OperatorClosings {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kind: DatabaseKind,
  ) {}

  async find(operatorId: string): Promise<OperatorClosing | undefined> {
    const row = await this.db
      .selectFrom("operatorClosings")
      .select(["operatorId", "effectiveDate", "deleteAt", "requestedBy", "reason"])
      .where("operatorId", "=", operatorId)
      .executeTakeFirst();
    if (!row) return undefined;
    const { reason, ...closing } = row;
    return { ...closing, deleteAt: Number(closing.deleteAt), ...(reason === null ? {} : { reason }) };
  }

  /**
   * Records (or moves) the closing. The operator cannot move the provider's termination; the provider's
   * decision replaces the operator's request.
   */
  async close(closing: OperatorClosing, now: number): Promise<void> {
    const existing = await this.find(closing.operatorId);
    if (existing?.requestedBy === "provider" && closing.requestedBy === "operator")
      throw new UserError(
        "conflict",
        `the provider terminates this account on ${existing.effectiveDate}; it cannot be closed on another date`,
      );
    const row = { ...closing, reason: closing.reason ?? null, createdAt: now };
    await this.db
      .insertInto("operatorClosings")
      .values(row)
      .onConflict((conflict) =>
        conflict.column("operatorId").doUpdateSet({
          effectiveDate: row.effectiveDate,
          deleteAt: row.deleteAt,
          requestedBy: row.requestedBy,
          reason: row.reason,
          createdAt: now,
        }),
      )
      .execute();
  }

  /** Withdraws the operator's own request before its date. */
  async cancel(operatorId: string): Promise<void> {
    const existing = await this.find(operatorId);
    if (!existing) throw new UserError("not_found", "this account has no closing to cancel");
    if (existing.requestedBy === "provider")
      throw new UserError(
        "conflict",
        "the provider terminates this account; only the provider can withdraw that",
      );
    await this.db.deleteFrom("operatorClosings").where("operatorId", "=", operatorId).execute();
  }

  /**
   * Erases every operator whose last day has ended by `now` (the closing's own row goes last, with the
   * operator, so an erasure cut short is taken up again by the next sweep); returns their ids.
   */
  async eraseDue(now: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom("operatorClosings")
      .select("operatorId")
      .where("deleteAt", "<=", now)
      .orderBy("deleteAt")
      .limit(100)
      .execute();
    for (const { operatorId } of rows) await eraseOperator(this.db, this.kind, operatorId, now);
    return rows.map((row) => row.operatorId);
  }
}
