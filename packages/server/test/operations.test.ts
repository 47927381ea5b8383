import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operationsRoutes } from "../src/api/operations-routes.ts";
import { Metrics } from "../src/metrics/metrics.ts";
import { useContractDatabases } from "./databases.ts";
import { type ApiSession, signUp, startTestConflux } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";

const { databases } = await useContractDatabases("operations");
const metricsToken = "scrape-token-0123456789";

/** The sum of the samples of `name` whose labels include `labels`; undefined when there are none. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let sum: number | undefined;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const has = Object.entries(labels).every(([key, value]) => match[2]?.includes(`${key}="${value}"`));
    if (has) sum = (sum ?? 0) + Number(match[3]);
  }
  return sum;
}

describe.each(databases)("/metrics and /readyz on %s", (name, database) => {
  const sink = new HttpSink();
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let session: ApiSession;
  let sinkUrl: string;
  const scrape = async () => {
    const response = await fetch(`${conflux.url}/metrics`, {
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    return response.text();
  };

  beforeAll(async () => {
    if (!database) return;
    conflux = await startTestConflux({ database, metrics: { token: metricsToken } });
    sinkUrl = await sink.start();
    sink.reply = (request) => ({ status: request.url.startsWith("/down") ? 503 : 200 });
    session = await signUp(conflux.url);
  });
  afterAll(async () => {
    await conflux?.cleanUp();
    await sink.stop();
  });

  it.skipIf(!database)("answers only a scraper with the token", async () => {
    expect((await fetch(`${conflux.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${conflux.url}/metrics`, {
      headers: { authorization: "Bearer not-the-token-at-all" },
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe("unauthorized");
    const withApiKey = await fetch(`${conflux.url}/metrics`, { headers: session.headers });
    expect(withApiKey.status).toBe(401);
  });

  it.skipIf(!database)("is ready when the store and the bus answer", async () => {
    const ready = await fetch(`${conflux.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });

  it.skipIf(!database)(
    "counts an event, its steps, retries, outbound errors and the backlog it leaves",
    async () => {
      const before = await scrape();
      expect(sample(before, "conflux_events_ingested_total", { event_type: "api" }) ?? 0).toBe(0);
      expect(sample(before, "conflux_backlog_jobs", { queue: "delayed" })).toBe(0);
      expect(sample(before, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);

      const app = await session.call("POST", "/v1/apps", {
        name: "metered",
        channels: [
          { channelId: "in", eventSource: { type: "api", config: {} } },
          { channelId: "out" },
          { channelId: "later" },
        ],
        actions: [
          {
            actionId: "shape",
            channelId: "in",
            type: "republish",
            config: {},
            output: { enabled: true, channelId: "out" },
          },
          {
            actionId: "wait",
            channelId: "in",
            type: "republish",
            config: {},
            output: { enabled: true, channelId: "later", delaySeconds: 900 },
          },
          { actionId: "hook", channelId: "out", type: "webhook", config: { url: `${sinkUrl}/up` } },
          { actionId: "broken", channelId: "out", type: "webhook", config: { url: `${sinkUrl}/down` } },
          { actionId: "afterwards", channelId: "later", type: "webhook", config: { url: `${sinkUrl}/up` } },
        ],
      });
      expect(app.status).toBe(201);
      const sent = await session.call("POST", `/v1/apps/${app.body.appId}/channels/in/messages`, { temp: 9 });
      expect(sent.status).toBe(202);

      // The broken hook is tried three times (maxTries in the test harness), then fails.
      const deadline = Date.now() + 20_000;
      let after = await scrape();
      while (
        (sample(after, "conflux_step_duration_seconds_count", { action_type: "webhook", status: "failed" }) ??
          0) < 1 &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        after = await scrape();
      }
      expect(sample(after, "conflux_events_ingested_total", { event_type: "api" })).toBe(1);
      expect(
        sample(after, "conflux_step_duration_seconds_count", {
          action_type: "republish",
          status: "completed",
        }),
      ).toBe(2);
      expect(
        sample(after, "conflux_step_duration_seconds_count", { action_type: "webhook", status: "completed" }),
      ).toBe(1);
      expect(
        sample(after, "conflux_step_duration_seconds_count", { action_type: "webhook", status: "failed" }),
      ).toBe(1);
      expect(sample(after, "conflux_step_retries_total", { action_type: "webhook" })).toBe(2);
      expect(sample(after, "conflux_outbound_errors_total", { code: "http_503" })).toBe(3);
      expect(sample(after, "conflux_outbound_errors_total", { code: "http_200" })).toBeUndefined();
      // The delayed output's job waits in the backlog, and its age grows (a count serves scrapes for a second).
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const backlog = await scrape();
      expect(sample(backlog, "conflux_backlog_jobs", { queue: "delayed" })).toBe(1);
      expect(sample(backlog, "conflux_backlog_jobs", { queue: "due" })).toBe(0);
      expect(sample(backlog, "conflux_backlog_oldest_age_seconds", { queue: "delayed" })).toBeGreaterThan(1);
      // PostgreSQL's pool times each wait for a connection; SQLite has no pool.
      const acquired = sample(after, "conflux_db_pool_acquire_seconds_count");
      if (name === "PostgreSQL") expect(acquired).toBeGreaterThan(0);
      else expect(acquired).toBeUndefined();
    },
  );
});

describe("/metrics without a token, and /readyz when a part does not answer", () => {
  const api = Fastify();
  const down = (): Promise<void> => Promise.reject(new Error("connection refused"));
  const up = (): Promise<void> => Promise.resolve();
  let state = { store: up, bus: down };
  beforeAll(async () => {
    await operationsRoutes(api, {
      store: { ping: () => state.store() },
      bus: { ping: () => state.bus() },
      metrics: new Metrics(),
      metricsToken: undefined,
    });
  });
  afterAll(() => api.close());

  it("is off (404) when no token is configured", async () => {
    const answer = await api.inject({ method: "GET", url: "/metrics" });
    expect(answer.statusCode).toBe(404);
  });

  it("answers 503 naming what failed", async () => {
    const busDown = await api.inject({ method: "GET", url: "/readyz" });
    expect(busDown.statusCode).toBe(503);
    expect(busDown.json()).toEqual({ status: "not_ready", failing: ["bus"] });
    state = { store: down, bus: up };
    expect((await api.inject({ method: "GET", url: "/readyz" })).json()).toEqual({
      status: "not_ready",
      failing: ["store"],
    });
    state = { store: up, bus: up };
    expect((await api.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
  });
});
