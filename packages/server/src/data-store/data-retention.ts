import type { Logger } from "pino";
import type { DataStore } from "./data-store.ts";

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

/** Deletes data store entries older than the retention period now and every hour; returns the stop function. */
export function startDataRetention(data: DataStore, retentionDays: number, logger: Logger): () => void {
  const sweep = async () => {
    try {
      const deleted = await data.deleteBefore(Date.now() - retentionDays * dayMs);
      if (deleted) logger.info({ deleted, retentionDays }, "old entries deleted from the data store");
    } catch (error) {
      logger.error({ err: error }, "data retention sweep failed");
    }
  };
  void sweep();
  const timer = setInterval(sweep, hourMs);
  timer.unref();
  return () => clearInterval(timer);
}
