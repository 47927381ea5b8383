import type { Kysely } from "kysely";
import { ApiRateLimiter } from "../store/api-rate-windows.ts";
import type { Database } from "../store/schema.ts";

/** The window key of AI requests among the API groups' windows: lower case, so no API group has it. */
const aiRequestsWindow = "ai-requests";

export type AiRateDecision = { allowed: true } | { allowed: false; limit: number; retryAfterMs: number };

/**
 * AI requests per operator per minute: the API's fixed window (store/api-rate-windows.ts), shared by
 * every instance on the database, under a window key of its own.
 */
export class AiRateLimiter {
  private readonly windows: ApiRateLimiter;

  constructor(db: Kysely<Database>, limit: number | (() => Promise<number>)) {
    this.windows = new ApiRateLimiter(db, limit);
  }

  /** Counts one request; when over the limit, how long until the window ends instead. */
  async take(operatorId: string, now = Date.now()): Promise<AiRateDecision> {
    const decision = await this.windows.take(operatorId, aiRequestsWindow, now);
    if (decision.allowed) return { allowed: true };
    return { allowed: false, limit: decision.limit, retryAfterMs: decision.resetAtMs - now };
  }
}
