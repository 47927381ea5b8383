import type { Logger } from "pino";
import type { SqlFileStore } from "./file-store.ts";

/** An event younger than this may still be on its way in the process that stored it. */
const graceMs = 10_000;
const everyMs = 30_000;

/** Delivers file events a stopped process left in the outbox, now and every 30 s; returns the stop function. */
export function startFileEventRedelivery(files: SqlFileStore, logger: Logger): () => void {
  const sweep = async () => {
    try {
      const delivered = await files.redeliverPending(graceMs);
      if (delivered) logger.info({ delivered }, "file events left by a stopped process delivered");
    } catch (error) {
      logger.error({ err: error }, "file event redelivery failed");
    }
  };
  void sweep();
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
