import { type Kysely, sql } from "kysely";
import type { Database } from "../store/schema.ts";

const windowMs = 60_000;

/**
 * AI requests per operator per minute, counted in the database, so every instance sharing it counts
 * against one limit. A fixed window per operator: it starts with the first request after the last
 * window ended and lasts a minute, so a burst across two windows' edge can reach twice the limit.
 *
 * One statement a request: an upsert that starts a new window or adds one to the current one and
 * returns the count. The database serialises concurrent upserts of one operator's row, so exactly
 * `perMinute` takers of a window see a count within the limit. Refused requests are counted too: the
 * statement stays unconditional (it always returns the window, for the time to wait), and a window
 * ends by time alone. The row is started over in place, so old windows never pile up.
 *
 * Instances are assumed to agree on the time to well within a minute: a clock behind the one that
 * started the window counts into it, a clock ahead starts the next one early.
 */
export class AiRateLimiter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly perMinute: number,
  ) {}

  /** Counts one request; when over the limit, how long until the window ends instead. */
  async take(
    operatorId: string,
    now = Date.now(),
  ): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
    const ended = sql<boolean>`excluded.window_start >= ai_request_windows.window_start + ${windowMs}`;
    const window = await this.db
      .insertInto("aiRequestWindows")
      .values({ operatorId, windowStart: now, requests: 1 })
      .onConflict((conflict) =>
        conflict.column("operatorId").doUpdateSet({
          windowStart: sql<number>`case when ${ended} then excluded.window_start else ai_request_windows.window_start end`,
          requests: sql<number>`case when ${ended} then 1 else ai_request_windows.requests + 1 end`,
        }),
      )
      .returning(["windowStart", "requests"])
      .executeTakeFirstOrThrow();
    if (window.requests <= this.perMinute) return { allowed: true };
    return { allowed: false, retryAfterMs: window.windowStart + windowMs - now };
  }
}
