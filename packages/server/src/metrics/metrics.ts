import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** What a gauge reads when it is scraped: one value per label set. */
export type Readings<Label extends string> = Array<{ labels: Partial<Record<Label, string>>; value: number }>;

/**
 * The Prometheus metrics of one Conflux (a registry each, so two in one process, as in tests, keep
 * theirs apart). Labels name kinds of things (event types, action types, queues, error codes), never
 * operators or apps: a label per tenant would grow without bound and tell one scraper about all tenants.
 */
export class Metrics {
  readonly registry = new Registry();
  /** Events accepted by a source (durable, 202): `rate()` of it is the ingest rate. */
  readonly eventsIngested = new Counter({
    name: "conflux_events_ingested_total",
    help: "Events made durable at a source, by event type.",
    labelNames: ["event_type"] as const,
    registers: [this.registry],
  });
  readonly stepDuration = new Histogram({
    name: "conflux_step_duration_seconds",
    help: "Time from a step's start to its stored result, by action type and final status.",
    labelNames: ["action_type", "status"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly stepRetries = new Counter({
    name: "conflux_step_retries_total",
    help: "Tries of a step that failed transiently and were scheduled again, by action type.",
    labelNames: ["action_type"] as const,
    registers: [this.registry],
  });
  readonly outboundErrors = new Counter({
    name: "conflux_outbound_errors_total",
    help: "Outbound requests that failed (outbound_timeout, outbound_network, …) or were answered 4xx/5xx (http_503), by code.",
    labelNames: ["code"] as const,
    registers: [this.registry],
  });

  /**
   * `processMetrics`: process CPU and memory, GC, and the event loop's lag (nodejs_eventloop_lag_*).
   * The lag is sampled by a timer every 10 ms, a hundred wake-ups a second that cost an idle server most
   * of its CPU, so a server with /metrics off does not collect them.
   */
  constructor({ processMetrics = true }: { processMetrics?: boolean } = {}) {
    if (processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge whose values `read` gives at each scrape (a backlog, a pool's waiting requests). */
  gauge<Label extends string>(
    name: string,
    help: string,
    labelNames: readonly Label[],
    read: () => Promise<Readings<Label>> | Readings<Label>,
  ): void {
    new Gauge<Label>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { labels, value } of await read()) this.set(labels, value);
      },
    });
  }

  /** A histogram without labels; returns its observe function. */
  histogram(name: string, help: string, buckets: number[]): (value: number) => void {
    const histogram = new Histogram({ name, help, buckets, registers: [this.registry] });
    return (value) => histogram.observe(value);
  }

  /** The text exposition format, and its content type. */
  async scrape(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
