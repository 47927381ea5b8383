import type { Kysely, UpdateQueryBuilder, UpdateResult } from "kysely";
import type { Database } from "../store/schema.ts";
import { parkedAt } from "./bus.ts";
import type { AnnounceJobs } from "./failed-deliveries.ts";

type ParkedJobs = UpdateQueryBuilder<Database, "jobs", "jobs", UpdateResult>;

export interface BreakerSettings {
  /** Transient failures in a row that open a destination's breaker. */
  failuresToOpen: number;
  /** The first wait while open; it doubles at each failed probe up to `maxWaitMs`. */
  firstWaitMs: number;
  maxWaitMs: number;
}

/**
 * Circuit breakers per operator and destination (`scheme://host:port`), kept in the database so that
 * every instance sharing it sees the same breaker. While a destination's breaker is open, the jobs
 * of that operator that failed on it are parked (not tried, so they burn no tries) instead of each
 * retrying on its own; once the breaker's wait ends, one parked job goes through as a probe. A probe
 * that gets any answer that is not transient closes the breaker and releases every parked job at once,
 * so delivery resumes within one wait (at most `maxWaitMs`) of the destination's recovery.
 *
 * Per operator, not per destination alone: another operator's failures on the same host (say, a URL
 * of theirs that always answers 503) must not hold this operator's messages back.
 */
export class DestinationBreakers {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly settings: BreakerSettings,
    /** A bus that hands work out elsewhere (JetStream) hears of the jobs a release makes due. */
    private readonly announce?: AnnounceJobs,
  ) {}

  /** Makes the parked jobs `narrow` picks due now, announced in the same transaction when there is a bus to tell. */
  private async release(now: number, narrow: (jobs: ParkedJobs) => ParkedJobs): Promise<void> {
    const parked = (db: Kysely<Database>) =>
      narrow(db.updateTable("jobs").set({ availableAt: now }).where("availableAt", "=", parkedAt));
    const announce = this.announce;
    if (!announce) {
      await parked(this.db).execute();
      return;
    }
    await this.db.transaction().execute(async (trx) => {
      const released = await parked(trx).returning(["jobId", "operatorId"]).execute();
      if (released.length) await announce(released);
    });
  }

  /** Whether a job that failed on `destination` before must wait instead of trying now. */
  async holds(operatorId: string, destination: string, jobId: string, now = Date.now()): Promise<boolean> {
    const breaker = await this.db
      .selectFrom("destinationBreakers")
      .select(["openUntil", "probeJobId"])
      .where("operatorId", "=", operatorId)
      .where("destination", "=", destination)
      .executeTakeFirst();
    if (!breaker || breaker.openUntil === null) return false;
    return breaker.probeJobId !== jobId && Number(breaker.openUntil) > now;
  }

  /**
   * Counts a transient failure; true when the breaker is open (now or already), so the job should park.
   * A breaker that opens now stays open at least as long as the destination's Retry-After asked.
   */
  async failed(
    operatorId: string,
    destination: string,
    retryAfterMs = 0,
    now = Date.now(),
  ): Promise<boolean> {
    const { failuresToOpen, firstWaitMs, maxWaitMs } = this.settings;
    const breaker = await this.db
      .insertInto("destinationBreakers")
      .values({
        operatorId,
        destination,
        failures: 1,
        openUntil: null,
        waitMs: firstWaitMs,
        probeJobId: null,
        updatedAt: now,
      })
      .onConflict((conflict) =>
        conflict.columns(["operatorId", "destination"]).doUpdateSet((eb) => ({
          // "In a row": a successful delivery does not write here (that would cost every delivery a
          // statement), so failures further apart than two waits start the count again.
          failures: eb
            .case()
            .when("destinationBreakers.updatedAt", "<", now - 2 * maxWaitMs)
            .then(1)
            .else(eb("destinationBreakers.failures", "+", 1))
            .end(),
          updatedAt: now,
        })),
      )
      .returning(["failures", "openUntil", "waitMs"])
      .executeTakeFirstOrThrow();
    if (breaker.failures < failuresToOpen) return false;
    // Open already, its wait not over: park behind it. Otherwise (re)open it for the next wait, longer.
    if (breaker.openUntil !== null && Number(breaker.openUntil) > now) return true;
    const waitMs = Math.min(breaker.waitMs, maxWaitMs);
    await this.db
      .updateTable("destinationBreakers")
      .set({
        openUntil: now + Math.max(waitMs, retryAfterMs),
        waitMs: Math.min(waitMs * 2, maxWaitMs),
        probeJobId: null,
      })
      .where("operatorId", "=", operatorId)
      .where("destination", "=", destination)
      .execute();
    return true;
  }

  /** The destination answered (success, or a refusal that retrying will not change): close and release. */
  async answered(operatorId: string, destination: string, now = Date.now()): Promise<void> {
    const closed = await this.db
      .deleteFrom("destinationBreakers")
      .where("operatorId", "=", operatorId)
      .where("destination", "=", destination)
      .executeTakeFirst();
    if (closed.numDeletedRows === 0n) return;
    await this.release(now, (jobs) =>
      jobs.where("operatorId", "=", operatorId).where("destination", "=", destination),
    );
  }

  /**
   * Run periodically: for each breaker whose wait is over, lets one parked job through as the probe
   * (and waits longer before the next, in case the probe dies); removes breakers nothing waits on; and
   * releases parked jobs whose retry time is up, for their last try.
   */
  async releaseProbes(now = Date.now()): Promise<number> {
    // Parked with no open breaker left to release it (it closed while the job was parking): nothing to wait for.
    await this.release(now, (jobs) =>
      jobs.where((eb) =>
        eb.or([
          eb("retryUntil", "<=", now),
          eb.not(
            eb.exists(
              eb
                .selectFrom("destinationBreakers")
                .select("destinationBreakers.operatorId")
                .whereRef("destinationBreakers.operatorId", "=", "jobs.operatorId")
                .whereRef("destinationBreakers.destination", "=", "jobs.destination")
                .where("destinationBreakers.openUntil", "is not", null),
            ),
          ),
        ]),
      ),
    );
    const due = await this.db
      .selectFrom("destinationBreakers")
      .select(["operatorId", "destination", "waitMs"])
      .where("openUntil", "<=", now)
      .limit(1_000)
      .execute();
    let released = 0;
    for (const breaker of due) {
      const probe = await this.db
        .selectFrom("jobs")
        .select("jobId")
        .where("operatorId", "=", breaker.operatorId)
        .where("destination", "=", breaker.destination)
        .where("availableAt", "=", parkedAt)
        .limit(1)
        .executeTakeFirst();
      if (!probe) {
        // Nothing parked behind it (every job finished or was removed): a breaker that holds nothing is dropped.
        await this.db
          .deleteFrom("destinationBreakers")
          .where("operatorId", "=", breaker.operatorId)
          .where("destination", "=", breaker.destination)
          .where("openUntil", "<=", now)
          .execute();
        continue;
      }
      // Only the instance whose update moved the breaker's time on releases the probe.
      const claimed = await this.db
        .updateTable("destinationBreakers")
        .set({
          openUntil: now + breaker.waitMs,
          waitMs: Math.min(breaker.waitMs * 2, this.settings.maxWaitMs),
          probeJobId: probe.jobId,
          updatedAt: now,
        })
        .where("operatorId", "=", breaker.operatorId)
        .where("destination", "=", breaker.destination)
        .where("openUntil", "<=", now)
        .executeTakeFirst();
      if (claimed.numUpdatedRows === 0n) continue;
      await this.release(now, (jobs) => jobs.where("jobId", "=", probe.jobId));
      released++;
    }
    return released;
  }
}

/** The breaker key of a URL: scheme, host and port (the default port spelled out). */
export function destinationOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
    return `${parsed.protocol}//${parsed.hostname}:${port}`;
  } catch {
    return null;
  }
}
