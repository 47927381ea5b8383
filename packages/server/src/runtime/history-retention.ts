import type { Logger } from "pino";
import type { HistoryRetention } from "../store/plans.ts";
import type { Store } from "../store/store.ts";
import { startPeriodicSweep } from "./periodic-sweep.ts";

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

/**
 * Deletes runs older than their operator's retention now and every hour (`retentionAt` says whose
 * plan keeps them longer or shorter than the default); returns the function that stops it.
 */
export function startHistoryRetention(
  store: Store,
  retentionAt: (now: number) => Promise<HistoryRetention>,
  logger: Logger,
): () => void {
  return startPeriodicSweep(
    async () => {
      const now = Date.now();
      const { defaultDays, exceptions } = await retentionAt(now);
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
      if (deleted) logger.info({ deleted, defaultDays }, "old runs deleted from the history");
    },
    hourMs,
    logger,
    "history retention sweep failed",
  );
}
