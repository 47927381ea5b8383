import type { Logger } from "pino";

/**
 * A value read from the database once and then every `everyMs` in the background, for checks that run
 * on every event or job and so must read memory. A read that fails keeps the last value; a read that
 * ends after a newer one does not undo it. `refresh` reads at once, after a change made in this process.
 */
export class BackgroundReading<Value> {
  private current: Value;
  private timer: NodeJS.Timeout | undefined;
  private readsBegun = 0;
  private applied = 0;

  constructor(
    private readonly read: () => Promise<Value>,
    initial: Value,
    private readonly everyMs: number,
    private readonly logger: Pick<Logger, "warn">,
    /** What the log says when a read fails. */
    private readonly failure: string,
  ) {
    this.current = initial;
  }

  get value(): Value {
    return this.current;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    const read = ++this.readsBegun;
    try {
      const value = await this.read();
      if (read < this.applied) return;
      this.current = value;
      this.applied = read;
    } catch (error) {
      this.logger.warn({ err: error }, this.failure);
    }
  }
}
