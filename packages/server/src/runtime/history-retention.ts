import type { Logger } from "pino";
import type { Store } from "../store/store.ts";

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

/** Deletes runs older than the retention period now and every hour; returns the function that stops it. */
export function startHistoryRetention(store: Store, retentionDays: number, logger: Logger): () => void {
  const sweep = async () => {
    try {
      const deleted = await store.deleteHistoryBefore(Date.now() - retentionDays * dayMs);
      if (deleted) logger.info({ deleted, retentionDays }, "old runs deleted from the history");
    } catch (error) {
      logger.error({ err: error }, "history retention sweep failed");
    }
  };
  void sweep();
  const timer = setInterval(sweep, hourMs);
  timer.unref();
  return () => clearInterval(timer);
}
