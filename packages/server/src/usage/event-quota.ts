import type { Logger } from "pino";
import { Refused } from "../runtime/admission.ts";

/** What the quota reads: the cap, the month's count, and the billing calendar. */
export interface EventQuotaSources {
  /** The operator's events cap at `at` (the lower of its plan's and its own), or undefined for none. */
  capOf(operatorId: string, at: number): Promise<number | undefined>;
  /** Events counted in the month so far, by every instance. */
  countOf(operatorId: string, month: string): Promise<number>;
  calendar: { month(at: number): string; monthEnd(at: number): number };
  /** An operator's time when the real time is `at` (its test clock's, when bound); `at` when absent. */
  operatorTime?: (operatorId: string, at: number) => number;
}

/** How often a cap is read again: a changed plan or quota reaches every instance within this. */
const capRefreshMs = 5_000;
/** How often the count of an operator with a cap is read again, in the background. */
const countRefreshMs = 1_000;
/** Below this many events left, every event waits for a count read after its arrival (the strict check). */
const minSlack = 100;

interface OperatorQuota {
  month: string;
  cap: number | undefined;
  capReadAt: number;
  capReading: Promise<void> | undefined;
  /** Counted in the database at the last count read. */
  used: number;
  countReadAt: number;
  /** Admitted here since the last count read began (not all of them in `used`). */
  admitted: number;
  /** Count reads begun, and the last one finished: a strict check waits for one begun after it came. */
  readsBegun: number;
  lastRead: number;
  countReading: Promise<void> | undefined;
  /** Events left under which the strict check applies: twice what every instance admits in a refresh. */
  slack: number;
}

/**
 * The events cap at the sources' door (billing.md: 429 `quota_exceeded` until the month ends). Far from
 * the cap it costs nothing per event: the count is read in the background every second, and this
 * instance adds what it admitted since. Near the cap (within twice the events all instances admitted in
 * the last second, at least 100) each event waits for a count read begun after it arrived (one indexed
 * query, shared by the events waiting together), so instances see each other's events.
 *
 * The bounded overshoot: an event is counted when its message commits, so an event admitted elsewhere
 * (or here, before the read began) and not committed when the count was read is not seen. The month can
 * end over the cap by at most the events in flight at that moment on all instances (accepted at the
 * door, not yet durable): the sources' concurrent requests, in practice one group commit per instance.
 * Nothing accepted is dropped: events are counted in the transaction that stores them, whatever the cap.
 */
export class EventQuota {
  private readonly operators = new Map<string, OperatorQuota>();
  /** First reads under way, by operator and month: the events that come meanwhile wait for the same. */
  private readonly loading = new Map<string, Promise<OperatorQuota>>();

  constructor(
    private readonly sources: EventQuotaSources,
    private readonly logger: Pick<Logger, "warn">,
  ) {}

  /** Throws `Refused` (429 quota_exceeded) when the operator's events cap for this month is reached. */
  async check(operatorId: string, now = Date.now()): Promise<void> {
    // The month and the cap are the operator's (its test clock's); refreshes go by real time.
    const at = this.sources.operatorTime ? this.sources.operatorTime(operatorId, now) : now;
    const month = this.sources.calendar.month(at);
    let quota = this.operators.get(operatorId);
    if (!quota || quota.month !== month) {
      const key = `${operatorId} ${month}`;
      let loading = this.loading.get(key);
      if (!loading) {
        loading = this.load(operatorId, month, now, at).finally(() => this.loading.delete(key));
        this.loading.set(key, loading);
      }
      quota = await loading;
    } else if (now - quota.capReadAt > capRefreshMs)
      this.inBackground(this.readCap(operatorId, quota, now, at));
    if (quota.cap === undefined) return;
    if (Date.now() - quota.countReadAt > countRefreshMs) this.inBackground(this.readCount(operatorId, quota));
    if (this.left(quota) <= quota.slack) {
      const arrived = quota.readsBegun;
      while (quota.lastRead <= arrived) await this.readCount(operatorId, quota);
    }
    if (this.left(quota) <= 0) {
      const retryAfterSeconds = Math.max(1, Math.ceil((this.sources.calendar.monthEnd(at) - at) / 1000));
      throw new Refused(
        "quota_exceeded",
        `the monthly events quota (${quota.cap}) is used up: ${quota.used + quota.admitted} events this month; sources accept events again when the month ends`,
        retryAfterSeconds,
      );
    }
    quota.admitted++;
  }

  /** Forgets what was read of an operator (its own quota changed here): its next event reads again. */
  forget(operatorId: string): void {
    this.operators.delete(operatorId);
  }

  private left(quota: OperatorQuota): number {
    return (quota.cap ?? Number.POSITIVE_INFINITY) - quota.used - quota.admitted;
  }

  private async load(operatorId: string, month: string, now: number, at: number): Promise<OperatorQuota> {
    const [cap, used] = await Promise.all([
      this.sources.capOf(operatorId, at),
      this.sources.countOf(operatorId, month),
    ]);
    const quota: OperatorQuota = {
      month,
      cap,
      capReadAt: now,
      capReading: undefined,
      used,
      countReadAt: Date.now(),
      admitted: 0,
      readsBegun: 1,
      lastRead: 1,
      countReading: undefined,
      slack: minSlack,
    };
    this.operators.set(operatorId, quota);
    return quota;
  }

  private readCap(operatorId: string, quota: OperatorQuota, now: number, at: number): Promise<void> {
    quota.capReading ??= (async () => {
      try {
        quota.cap = await this.sources.capOf(operatorId, at);
        quota.capReadAt = now;
      } finally {
        quota.capReading = undefined;
      }
    })();
    return quota.capReading;
  }

  /** One count read at a time per operator; the events admitted meanwhile stay added (conservatively). */
  private readCount(operatorId: string, quota: OperatorQuota): Promise<void> {
    quota.countReading ??= (async () => {
      const read = ++quota.readsBegun;
      const admittedBefore = quota.admitted;
      const begunAt = Date.now();
      try {
        const used = await this.sources.countOf(operatorId, quota.month);
        const perRefresh = ((used - quota.used) * countRefreshMs) / Math.max(1, begunAt - quota.countReadAt);
        quota.slack = Math.max(minSlack, Math.ceil(2 * perRefresh));
        quota.used = used;
        quota.admitted -= admittedBefore;
        quota.countReadAt = begunAt;
      } finally {
        quota.lastRead = read;
        quota.countReading = undefined;
      }
    })();
    return quota.countReading;
  }

  private inBackground(reading: Promise<void>): void {
    reading.catch((error: unknown) => {
      // The last reading stands; a database that fails here fails the sources' own writes anyway.
      this.logger.warn({ err: error }, "reading the events quota failed");
    });
  }
}
