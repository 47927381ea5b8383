import type { Logger } from "pino";
import { startPeriodicSweep } from "../runtime/periodic-sweep.ts";
import type { SqlFileStore } from "./file-store.ts";

/** An event younger than this may still be on its way in the process that stored it. */
const graceMs = 10_000;
const everyMs = 30_000;

/** Delivers file events a stopped process left in the outbox, now and every 30 s; returns the stop function. */
export function startFileEventRedelivery(files: SqlFileStore, logger: Logger): () => void {
  return startPeriodicSweep(
    async () => {
      const delivered = await files.redeliverPending(graceMs);
      if (delivered) logger.info({ delivered }, "file events left by a stopped process delivered");
    },
    everyMs,
    logger,
    "file event redelivery failed",
  );
}
