import type { Logger } from "pino";
import { startPeriodicSweep } from "../runtime/periodic-sweep.ts";
import type { DataStore } from "./data-store.ts";

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

/** Deletes data store entries older than the retention period now and every hour; returns the stop function. */
export function startDataRetention(data: DataStore, retentionDays: number, logger: Logger): () => void {
  return startPeriodicSweep(
    async () => {
      const deleted = await data.deleteBefore(Date.now() - retentionDays * dayMs);
      if (deleted) logger.info({ deleted, retentionDays }, "old entries deleted from the data store");
    },
    hourMs,
    logger,
    "data retention sweep failed",
  );
}
