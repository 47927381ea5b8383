import { describe, expect, it } from "vitest";
import { Metrics } from "./metrics.ts";

describe("Metrics", () => {
  it("collects the process's metrics (event-loop lag among them) only when asked", async () => {
    const names = async (metrics: Metrics) =>
      (await metrics.registry.getMetricsAsJSON()).map(({ name }) => name);
    expect(await names(new Metrics())).toContain("nodejs_eventloop_lag_seconds");
    const quiet = await names(new Metrics({ processMetrics: false }));
    expect(quiet).not.toContain("nodejs_eventloop_lag_seconds");
    expect(quiet.filter((name) => name.startsWith("nodejs_") || name.startsWith("process_"))).toEqual([]);
    expect(quiet).toContain("conflux_events_ingested_total");
  });
});
