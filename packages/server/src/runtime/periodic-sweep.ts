import type { Logger } from "pino";

/**
 * Runs `sweep` now and every `everyMs` on a timer that does not keep the process alive; a failed round
 * is logged as `failure` and the next one tries again. Returns the function that stops it.
 */
export function startPeriodicSweep(
  sweep: () => Promise<void>,
  everyMs: number,
  logger: Logger,
  failure: string,
): () => void {
  const round = async () => {
    try {
      await sweep();
    } catch (error) {
      logger.error({ err: error }, failure);
    }
  };
  void round();
  const timer = setInterval(round, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
