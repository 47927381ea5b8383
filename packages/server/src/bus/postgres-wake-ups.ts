import pg from "pg";
import type { Logger } from "pino";
import { busChannel } from "./postgres-group-commit.ts";

const reconnectMs = 1_000;

/**
 * Hears other instances queue jobs (their commits NOTIFY `busChannel`) on a dedicated connection: a
 * pooled one would lose the LISTEN when given back. Without it (before it connects, after it drops)
 * workers still find the jobs by their poll, only later.
 */
export class PostgresWakeUps {
  private client: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    /** This instance's id: its own notifications are not news to it. */
    private readonly instanceId: string,
    private readonly wake: () => void,
    private readonly logger: Pick<Logger, "warn"> | undefined,
  ) {
    void this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on("notification", (message) => {
      if (message.payload !== this.instanceId) this.wake();
    });
    const lost = (error?: unknown) => {
      if (this.client !== client) return;
      this.client = undefined;
      if (error) this.logger?.warn({ err: error }, "bus notifications lost; polling until they are back");
      void client.end().catch(() => {});
      this.reconnectLater();
    };
    client.on("error", lost);
    client.on("end", () => lost());
    try {
      await client.connect();
      await client.query(`listen ${busChannel}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      // Jobs queued while nobody listened.
      this.wake();
    } catch (error) {
      this.logger?.warn({ err: error }, "cannot listen for bus notifications; polling until it can");
      await client.end().catch(() => {});
      this.reconnectLater();
    }
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    this.retry = setTimeout(() => void this.connect(), reconnectMs);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
