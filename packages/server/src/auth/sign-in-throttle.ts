/**
 * How failed sign-ins slow down further ones, per account and per client address (accounts.md):
 * nothing before `freeFailures`, then a wait after each failure that doubles, then a lock while the
 * window holds `lockFailures`. Pure: the caller passes the failures it counted and the time. The
 * answer depends only on counted attempts, never on whether the account exists.
 */
export interface ThrottleRule {
  freeFailures: number;
  lockFailures: number;
}

export const failureWindowMs = 15 * 60 * 1000;
export const accountRule: ThrottleRule = { freeFailures: 5, lockFailures: 10 };
/** Higher for an address: several people behind one NAT share it. */
export const addressRule: ThrottleRule = { freeFailures: 10, lockFailures: 30 };
const firstSlowDownMs = 5_000;
const maxSlowDownMs = 60_000;

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number; locked: boolean };

/** When the next attempt may come, given the times of the failures in the window (any order). */
function nextAttemptAt(failures: readonly number[], rule: ThrottleRule): { at: number; locked: boolean } {
  const newestFirst = [...failures].sort((a, b) => b - a);
  const count = newestFirst.length;
  if (count < rule.freeFailures) return { at: 0, locked: false };
  if (count >= rule.lockFailures) {
    // Locked until enough failures leave the window that fewer than the lock count remain.
    const oldestThatLocks = newestFirst[rule.lockFailures - 1] ?? 0;
    return { at: oldestThatLocks + failureWindowMs, locked: true };
  }
  const waitMs = Math.min(firstSlowDownMs * 2 ** (count - rule.freeFailures), maxSlowDownMs);
  return { at: (newestFirst[0] ?? 0) + waitMs, locked: false };
}

export function throttleVerdict(
  failures: { account: readonly number[]; address: readonly number[] },
  now: number,
): ThrottleVerdict {
  const account = nextAttemptAt(failures.account, accountRule);
  const address = nextAttemptAt(failures.address, addressRule);
  const at = Math.max(account.at, address.at);
  if (at <= now) return { allowed: true };
  return { allowed: false, retryAfterMs: at - now, locked: account.locked || address.locked };
}
