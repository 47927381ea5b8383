import type { Logger } from "pino";
import { billingDay, billingMonth, monthEnd } from "./billing-month.ts";

/** How often the provider's billing time zone is read again: a change reaches every instance within this. */
const refreshMs = 2_000;

/**
 * The provider's billing time zone, read once and then in the background, so that the bus can date
 * every event it counts without a query. Until the first reading it is UTC (the settings' default).
 */
export class BillingCalendar {
  private zone = "UTC";
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly readZone: () => Promise<string>,
    private readonly logger: Pick<Logger, "warn">,
  ) {}

  get timeZone(): string {
    return this.zone;
  }

  /** Reads the zone now, and again every few seconds until stopped. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async refresh(): Promise<void> {
    try {
      this.zone = await this.readZone();
    } catch (error) {
      // The last zone stands: months move only when the provider changes it.
      this.logger.warn({ err: error }, "reading the billing time zone failed");
    }
  }

  /** `YYYY-MM-DD` in the billing time zone. */
  day(at: number): string {
    return billingDay(at, this.zone);
  }

  /** `YYYY-MM` in the billing time zone. */
  month(at: number): string {
    return billingMonth(at, this.zone);
  }

  /** When the billing month `at` falls in ends. */
  monthEnd(at: number): number {
    return monthEnd(at, this.zone);
  }
}
