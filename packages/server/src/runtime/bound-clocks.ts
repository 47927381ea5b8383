import type { Logger } from "pino";
import { BackgroundReading } from "./background-reading.ts";

/** How often the bound operators are read again: another instance's `advance` or `bind` reaches this one within this. */
const refreshMs = 1_000;

/**
 * The operators bound to a test clock and their clocks' frozen times, read once and then in the
 * background, so that usage is dated at the operator's time without a query per event. An operator
 * with no clock costs one lookup in a map that is empty unless test clocks are in use.
 */
export class BoundClocks extends BackgroundReading<ReadonlyMap<string, number>> {
  constructor(read: () => Promise<ReadonlyMap<string, number>>, logger: Pick<Logger, "warn">) {
    // A failed read keeps the last clocks: a clock only moves when the provider advances it.
    super(read, new Map(), refreshMs, logger, "reading the test clocks failed");
  }

  /** An operator's time when the real time is `realTime`: its test clock's frozen time, else `realTime`. */
  at(operatorId: string, realTime: number): number {
    if (this.value.size === 0) return realTime;
    return this.value.get(operatorId) ?? realTime;
  }
}
