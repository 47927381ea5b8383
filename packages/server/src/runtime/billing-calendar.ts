import type { Logger } from "pino";
import { BackgroundReading } from "./background-reading.ts";
import { billingDay, billingMonth, monthEnd } from "./billing-month.ts";

/** How often the provider's billing time zone is read again: a change reaches every instance within this. */
const refreshMs = 2_000;

/**
 * The provider's billing time zone, read once and then in the background, so that the bus can date
 * every event it counts without a query. Until the first reading it is UTC (the settings' default).
 */
export class BillingCalendar extends BackgroundReading<string> {
  constructor(readZone: () => Promise<string>, logger: Pick<Logger, "warn">) {
    // Until the first reading it is UTC (the settings' default); a failed read keeps the last zone.
    super(readZone, "UTC", refreshMs, logger, "reading the billing time zone failed");
  }

  get timeZone(): string {
    return this.value;
  }

  /** `YYYY-MM-DD` in the billing time zone. */
  day(at: number): string {
    return billingDay(at, this.value);
  }

  /** `YYYY-MM` in the billing time zone. */
  month(at: number): string {
    return billingMonth(at, this.value);
  }

  /** When the billing month `at` falls in ends. */
  monthEnd(at: number): number {
    return monthEnd(at, this.value);
  }
}
