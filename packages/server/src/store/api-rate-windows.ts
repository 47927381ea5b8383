import { type Kysely, sql } from "kysely";
import type { Database } from "./schema.ts";

export const apiRateWindowMs = 60_000;

/** One call counted: whether it may go on, and what the X-Conflux-RateLimit-* headers say. */
export interface ApiRateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  /** Calls left in the window after this one (0 when refused). */
  readonly remaining: number;
  /** Unix ms when the window ends and the count starts over. */
  readonly resetAtMs: number;
}

/**
 * API calls per operator and API group per minute, counted in the database so every instance
 * sharing it counts against one limit; AI requests are counted here too, under a window key of their
 * own (ai/rate-limit.ts). A fixed window:
 * it starts with the first call after the last window ended and lasts a minute, so a burst across two
 * windows' edge can reach twice the limit; one upsert a call,
 * serialised by the database on the (operator, group) row, so exactly `perMinute` callers of a
 * window are let through whichever instance serves them. Refused calls are counted too (the
 * statement stays unconditional); a window ends by time alone. Instances are assumed to agree on the
 * time to well within a minute: a clock behind the one that started the window counts into it.
 */
export class ApiRateLimiter {
  constructor(
    private readonly db: Kysely<Database>,
    /** Calls a minute, or where to read it (cached: it is read on every call). */
    private readonly limit: number | (() => Promise<number>),
  ) {}

  async take(operatorId: string, apiGroup: string, now = Date.now()): Promise<ApiRateDecision> {
    const perMinute = typeof this.limit === "number" ? this.limit : await this.limit();
    const ended = sql<boolean>`excluded.window_start >= api_rate_windows.window_start + ${apiRateWindowMs}`;
    const window = await this.db
      .insertInto("apiRateWindows")
      .values({ operatorId, apiGroup, windowStart: now, calls: 1 })
      .onConflict((conflict) =>
        conflict.columns(["operatorId", "apiGroup"]).doUpdateSet({
          windowStart: sql<number>`case when ${ended} then excluded.window_start else api_rate_windows.window_start end`,
          calls: sql<number>`case when ${ended} then 1 else api_rate_windows.calls + 1 end`,
        }),
      )
      .returning(["windowStart", "calls"])
      .executeTakeFirstOrThrow();
    return {
      allowed: window.calls <= perMinute,
      limit: perMinute,
      remaining: Math.max(0, perMinute - window.calls),
      resetAtMs: window.windowStart + apiRateWindowMs,
    };
  }
}
