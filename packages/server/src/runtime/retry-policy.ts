/**
 * How a step that failed transiently (a timeout, a 429, a 5xx, a dropped connection) is tried again:
 * exponential backoff with jitter, the wait capped so delivery resumes within about one cap of the
 * destination's recovery, for a window of time from the first failure (24 hours by default), and,
 * when set, for at most a number of tries.
 */
export interface RetryPolicy {
  baseMs: number;
  maxWaitMs: number;
  retryForMs: number;
  maxTries: number | undefined;
}

/** The wait before try `attempt + 1`: ±20% jitter so the retries of one burst do not arrive together. */
export function nextTryDelayMs(attempt: number, policy: RetryPolicy, retryAfterMs = 0): number {
  const exponential = policy.baseMs * 2 ** Math.min(attempt - 1, 40);
  const jittered = Math.min(exponential, policy.maxWaitMs) * (0.8 + Math.random() * 0.4);
  // The destination's own Retry-After wins over our backoff, even past the cap: it said when.
  return Math.round(Math.max(Math.min(jittered, policy.maxWaitMs), retryAfterMs));
}

/** Whether a job that failed transiently may be tried again; when not, what its error should add. */
export function mayRetry(
  attempts: number,
  retryUntil: number,
  policy: RetryPolicy,
  now = Date.now(),
): { retry: true } | { retry: false; note: string } {
  if (policy.maxTries !== undefined && attempts >= policy.maxTries) return { retry: false, note: "" };
  if (now < retryUntil) return { retry: true };
  const tried = formatDuration(now - retryUntil + policy.retryForMs);
  return { retry: false, note: ` (gave up after ${attempts} tries over ${tried})` };
}

function formatDuration(ms: number): string {
  if (ms >= 3_600_000) return `${Math.round(ms / 360_000) / 10} h`;
  if (ms >= 60_000) return `${Math.round(ms / 6_000) / 10} min`;
  return `${Math.round(ms / 100) / 10} s`;
}
