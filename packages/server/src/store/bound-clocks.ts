import type { Logger } from "pino";

/** How often the bound operators are read again: another instance's `advance` or `bind` reaches this one within this. */
const refreshMs = 1_000;

/**
 * The operators bound to a test clock and their clocks' frozen times, read once and then in the
 * background, so that usage is dated at the operator's time without a query per event. An operator
 * with no clock costs one lookup in a map that is empty unless test clocks are in use.
 */
export class BoundClocks {
  private frozen = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  /** Reads begun, and the one whose answer stands: an older read that ends later does not undo a newer one. */
  private readsBegun = 0;
  private applied = 0;

  constructor(
    private readonly read: () => Promise<Map<string, number>>,
    private readonly logger: Pick<Logger, "warn">,
  ) {}

  /** Reads now, and again every second until stopped. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reads the bound operators again (at once after this process moved or bound a clock). */
  async refresh(): Promise<void> {
    const read = ++this.readsBegun;
    try {
      const frozen = await this.read();
      if (read < this.applied) return;
      this.frozen = frozen;
      this.applied = read;
    } catch (error) {
      // The last reading stands: a clock only moves when the provider advances it.
      this.logger.warn({ err: error }, "reading the test clocks failed");
    }
  }

  /** An operator's time when the real time is `realTime`: its test clock's frozen time, else `realTime`. */
  at(operatorId: string, realTime: number): number {
    if (this.frozen.size === 0) return realTime;
    return this.frozen.get(operatorId) ?? realTime;
  }
}
