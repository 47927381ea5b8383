import type { Logger } from "pino";
import type { Store } from "../store/store.ts";
import { startPeriodicSweep } from "./periodic-sweep.ts";

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

/** Deletes runs older than the retention period now and every hour; returns the function that stops it. */
export function startHistoryRetention(store: Store, retentionDays: number, logger: Logger): () => void {
  return startPeriodicSweep(
    async () => {
      const deleted = await store.deleteHistoryBefore(Date.now() - retentionDays * dayMs);
      if (deleted) logger.info({ deleted, retentionDays }, "old runs deleted from the history");
    },
    hourMs,
    logger,
    "history retention sweep failed",
  );
}
