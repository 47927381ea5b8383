/**
 * AI requests per operator per minute, counted in this process (a fixed one-minute window). With
 * several processes each allows the limit; that bounds the burst a runaway app sends a provider,
 * which is what the limit is for, without a database write per request.
 */
export class AiRateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(private readonly perMinute: number) {}

  /** Counts one request; when over the limit, how long until the window ends instead. */
  take(operatorId: string, now = Date.now()): { allowed: true } | { allowed: false; retryAfterMs: number } {
    let window = this.windows.get(operatorId);
    if (!window || now - window.startedAt >= 60_000) {
      if (this.windows.size > 10_000) this.forgetEnded(now);
      window = { startedAt: now, count: 0 };
      this.windows.set(operatorId, window);
    }
    if (window.count >= this.perMinute)
      return { allowed: false, retryAfterMs: window.startedAt + 60_000 - now };
    window.count++;
    return { allowed: true };
  }

  private forgetEnded(now: number): void {
    for (const [operatorId, window] of this.windows)
      if (now - window.startedAt >= 60_000) this.windows.delete(operatorId);
  }
}
