import type { Logger } from "pino";
import type { HistoryRetention } from "../store/plans.ts";
import type { Store } from "../store/store.ts";
import { startPeriodicSweep } from "./periodic-sweep.ts";

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

/**
 * One round: deletes runs older than their operator's retention at `now` (the default, or what its
 * plan says for the operators in `exceptions`); returns how many.
 */
export async function sweepHistory(store: Store, { defaultDays, exceptions }: HistoryRetention, now: number) {
  let deleted = await store.deleteHistoryBefore(now - defaultDays * dayMs, {
    except: [...exceptions.keys()],
  });
  const operatorsByDays = new Map<number, string[]>();
  for (const [operatorId, days] of exceptions) {
    const operatorIds = operatorsByDays.get(days) ?? [];
    operatorIds.push(operatorId);
    operatorsByDays.set(days, operatorIds);
  }
  for (const [days, operatorIds] of operatorsByDays)
    deleted += await store.deleteHistoryBefore(now - days * dayMs, { only: operatorIds });
  return deleted;
}

/** Sweeps the history now and every hour, with each operator's retention then; returns the function that stops it. */
export function startHistoryRetention(
  store: Store,
  retentionAt: (now: number) => Promise<HistoryRetention>,
  logger: Logger,
): () => void {
  return startPeriodicSweep(
    async () => {
      const now = Date.now();
      const retention = await retentionAt(now);
      const deleted = await sweepHistory(store, retention, now);
      if (deleted)
        logger.info({ deleted, defaultDays: retention.defaultDays }, "old runs deleted from the history");
    },
    hourMs,
    logger,
    "history retention sweep failed",
  );
}
