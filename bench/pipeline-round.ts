/**
 * One round of the pipeline bench: `api source → republish (condition, transform) → webhook to a local
 * sink` on a fresh Conflux, with its delivered events/s and end-to-end latency.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ConfigInput } from "@conflux/server";
import { decodeTime } from "ulid";
import { startBenchConflux } from "./bench-conflux.ts";
import { type PostLoad, postLoad } from "./post-load.ts";
import { percentile } from "./statistics.ts";

export interface RoundResult {
  eventsPerSecond: number;
  p50: number;
  p99: number;
  /** Accepted (2xx) minus delivered: anything but 0 is a loss. */
  lost: number;
}

export type Sink = Awaited<ReturnType<typeof startSink>>;

/** The webhook receiver: notes when each idempotency key arrived. */
export async function startSink() {
  const arrivals = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const key = req.headers["idempotency-key"];
      if (typeof key === "string") arrivals.set(key, Date.now());
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    close: () => server.close(),
  };
}

/**
 * The pipeline app: an api source, a republish with the condition `payload.temp > 8` and a JSON transform
 * (`content`, a template of the output), a webhook posting the result to `hookUrl`.
 */
export function pipelineApp(
  hookUrl: string,
  content = '{"sensor": ${payload.sensor}, "celsius": ${payload.temp}}',
) {
  return {
    name: "bench",
    channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }, { channelId: "out" }],
    actions: [
      {
        actionId: "shape",
        channelId: "in",
        type: "republish",
        condition: "payload.temp > 8",
        config: {},
        output: { enabled: true, channelId: "out", transform: { contentType: "application/json", content } },
      },
      { actionId: "hook", channelId: "out", type: "webhook", config: { url: hookUrl } },
    ],
  };
}

/** Runs the pipeline on a Conflux configured by `overrides` under `load` and waits for every delivery. */
export async function pipelineRound(
  sink: Sink,
  load: Omit<PostLoad, "headers" | "body">,
  overrides: ConfigInput = {},
): Promise<RoundResult> {
  const bench = await startBenchConflux({ outbound: { allowPrivateAddresses: true }, ...overrides });
  const { conflux, headers } = bench;
  try {
    const app = await bench.post<{ appId: string }>("/v1/apps", pipelineApp(`${sink.url}/hook`));

    sink.arrivals.clear();
    const started = Date.now();
    const body = JSON.stringify({ sensor: "fridge-1", temp: 9.5, humidity: 61 });
    const result = await postLoad(`${conflux.url}/v1/apps/${app.appId}/channels/in/messages`, {
      ...load,
      body,
      headers,
    });
    const accepted = result["2xx"];
    const deadline = Date.now() + 600_000;
    while (sink.arrivals.size < accepted && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const latencies: number[] = [];
    let last = started;
    for (const [key, arrivedAt] of sink.arrivals) {
      const executionId = key.split(":")[0] ?? "";
      latencies.push(arrivedAt - decodeTime(executionId));
      last = Math.max(last, arrivedAt);
    }
    return {
      eventsPerSecond: sink.arrivals.size / ((last - started) / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      lost: accepted - sink.arrivals.size,
    };
  } finally {
    await bench.close();
  }
}
