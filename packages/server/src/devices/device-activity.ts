import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Database } from "../store/schema.ts";

interface Pending {
  messages: number;
  lastSeenAt: number;
}

/**
 * Last seen and message counts of devices, counted in memory and added to the devices' rows once a
 * second: one update per active device per second instead of a write per message on ingest's hot path.
 * Additions commute, so every instance adds its own; a crash loses at most the last second's counts
 * (they describe traffic, they are not billing).
 */
export class DeviceActivity {
  private pending = new Map<string, Pending>();

  constructor(private readonly db: Kysely<Database>) {}

  /** A message of the device was accepted (`messages` 1), or it sent one again that was already stored (0). */
  note(deviceId: string, time: number, messages: 0 | 1): void {
    const seen = this.pending.get(deviceId);
    if (seen) {
      seen.messages += messages;
      seen.lastSeenAt = Math.max(seen.lastSeenAt, time);
    } else this.pending.set(deviceId, { messages, lastSeenAt: time });
  }

  /** Adds what was noted since the last flush to the devices' rows; kept for the next one if this fails. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const [deviceId, { messages, lastSeenAt }] of batch)
          await trx
            .updateTable("devices")
            .set((eb) => ({
              messageCount: eb("messageCount", "+", messages),
              // Another instance may have flushed a later time already.
              lastSeenAt: eb
                .case()
                .when(eb.or([eb("lastSeenAt", "is", null), eb("lastSeenAt", "<", lastSeenAt)]))
                .then(lastSeenAt)
                .else(eb.ref("lastSeenAt"))
                .end(),
            }))
            .where("deviceId", "=", deviceId)
            .execute();
      });
    } catch (error) {
      for (const [deviceId, { messages, lastSeenAt }] of batch) {
        this.note(deviceId, lastSeenAt, 0);
        const merged = this.pending.get(deviceId);
        if (merged) merged.messages += messages;
      }
      throw error;
    }
  }
}

const flushEveryMs = 1_000;

/** Flushes every second, and once more when stopped; returns the stop function. */
export function startActivityFlush(activity: DeviceActivity, logger: Logger): () => Promise<void> {
  let running = Promise.resolve();
  const round = () => {
    running = running
      .then(() => activity.flush())
      .catch((error: unknown) => logger.warn({ err: error }, "device activity flush failed"));
    return running;
  };
  const timer = setInterval(round, flushEveryMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await round();
  };
}
