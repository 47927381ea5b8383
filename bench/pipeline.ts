/**
 * Events/s and latency through `api source → republish (condition, transform) → webhook to a local sink`, next to a bare
 * Fastify handler doing the same HTTP work (receive a POST, send it to the sink, answer 202).
 * Rounds alternate between the two so both see the same machine; medians of the rounds are printed.
 *
 *   npm run pipeline -w @conflux/bench            # BENCH_SECONDS=10 BENCH_ROUNDS=3 BENCH_CONNECTIONS=32
 *   BENCH_RATE=300 npm run pipeline -w @conflux/bench   # paced: latency at a load both sides sustain
 */
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import { request } from "undici";
import { pipelineRound, type RoundResult, type Sink, startSink } from "./pipeline-round.ts";
import { postLoad } from "./post-load.ts";
import { median } from "./statistics.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** Requests per second over all connections; unset = as fast as each side answers (throughput). */
const rate = process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined;
/** `postgres://…` to run Conflux on PostgreSQL; `nats://…` to hand its work out through JetStream. */
const databaseUrl = process.env.BENCH_DATABASE_URL;
const busUrl = process.env.BENCH_BUS;
const body = JSON.stringify({ sensor: "fridge-1", temp: 9.5, humidity: 61 });

function load(url: string, headers: Record<string, string>) {
  return postLoad(url, { body, headers, connections, seconds, rate });
}

async function benchBareFastify(sink: Sink): Promise<RoundResult> {
  const api = Fastify();
  api.post("/messages", async (req, reply) => {
    const response = await request(`${sink.url}/hook`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": String(Math.random()) },
      body: JSON.stringify(req.body),
    });
    await response.body.text();
    return reply.status(202).send({ ok: true });
  });
  await api.listen({ port: 0, host: "127.0.0.1" });
  try {
    const result = await load(`http://127.0.0.1:${(api.server.address() as AddressInfo).port}/messages`, {});
    return {
      eventsPerSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      lost: 0,
    };
  } finally {
    await api.close();
  }
}

const sink = await startSink();
const conflux: RoundResult[] = [];
const bare: RoundResult[] = [];
for (let round = 1; round <= rounds; round++) {
  bare.push(await benchBareFastify(sink));
  conflux.push(
    await pipelineRound(
      sink,
      { connections, seconds, rate },
      {
        ...(databaseUrl ? { database: { kind: "postgres" as const, url: databaseUrl } } : {}),
        ...(busUrl ? { bus: { url: busUrl, prefix: "bench_pipeline" } } : {}),
      },
    ),
  );
  console.error(
    `round ${round}: conflux ${conflux.at(-1)?.eventsPerSecond.toFixed(0)} ev/s, bare ${bare.at(-1)?.eventsPerSecond.toFixed(0)} req/s`,
  );
}
sink.close();

const summary = (results: RoundResult[]) => ({
  "events/s (median)": Math.round(median(results.map((r) => r.eventsPerSecond))),
  "p50 ms": median(results.map((r) => r.p50)),
  "p99 ms": median(results.map((r) => r.p99)),
});
const table = {
  "conflux (api → republish → webhook)": summary(conflux),
  "bare fastify (receive → POST)": summary(bare),
};
console.table(table);
const ratio = median(conflux.map((r) => r.eventsPerSecond)) / median(bare.map((r) => r.eventsPerSecond));
console.log(
  `conflux / bare throughput: ${ratio.toFixed(2)} (${rounds} rounds of ${seconds} s, ${connections} connections${rate ? `, paced at ${rate}/s` : ""})`,
);
console.log(
  "conflux latency is end to end (accepted → webhook received); bare latency is the HTTP round trip.",
);
