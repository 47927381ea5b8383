/**
 * How long `/healthz` takes to answer while hostile expressions run: messages whose templates were
 * ReDoS cases (a formatDate pattern of many '[' built by replace, toNumber on a long run of digits) and
 * one that does too much work (stopped by the evaluation budget). Before expressions were bounded, one
 * such message froze the server for 2 to 19 s. Prints /healthz latency idle and under attack.
 *
 *   npm run hostile-expressions -w @conflux/bench     # BENCH_MESSAGES=20
 */

import { startBenchConflux } from "./bench-conflux.ts";
import { percentile } from "./statistics.ts";

const messages = Number(process.env.BENCH_MESSAGES ?? 20);

const templates = {
  "formatDate pattern of '[' (1 MiB)": "${len(formatDate(0, replace(payload.s, 'a', '[[[[[[[[')))}",
  "toNumber on digits (1 MiB)": "${toNumber(replace(payload.s, 'a', '11111111') + 'x')}",
  "work past the budget": Array.from(
    { length: 400 },
    () => "${len(replace(payload.s, 'a', 'aaaaaaaa'))}",
  ).join(","),
};

const bench = await startBenchConflux({ limits: { maxMessageBytes: 1_048_576 } });
const { conflux } = bench;

async function healthzLatencies(until: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  do {
    const started = performance.now();
    await fetch(`${conflux.url}/healthz`);
    latencies.push(performance.now() - started);
  } while (!until());
  return latencies;
}

const describe = (latencies: number[]) =>
  `median ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms (${latencies.length} requests)`;

let idleCount = 0;
console.log(`idle: ${describe(await healthzLatencies(() => ++idleCount >= 200))}`);

for (const [name, content] of Object.entries(templates)) {
  const app = await bench.post<{ appId: string }>("/v1/apps", {
    name,
    channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
    actions: [
      {
        actionId: "t",
        channelId: "in",
        type: "republish",
        config: { transform: { contentType: "text/plain", content } },
      },
    ],
  });
  const runIds: string[] = [];
  for (let i = 0; i < messages; i++) {
    const sent = await bench.post<{ executionId: string }>(`/v1/apps/${app.appId}/channels/in/messages`, {
      s: "a".repeat(131_071),
    });
    runIds.push(sent.executionId);
  }
  let finished = false;
  const runsDone = (async () => {
    for (const runId of runIds)
      for (;;) {
        const response = await fetch(`${conflux.url}/v1/apps/${app.appId}/runs/${runId}`, {
          headers: bench.headers,
        });
        const run = (await response.json()) as { status: string };
        if (run.status !== "running") break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    finished = true;
  })();
  const latencies = await healthzLatencies(() => finished);
  await runsDone;
  console.log(`${name}, ${messages} messages: ${describe(latencies)}`);
}
await bench.close();
