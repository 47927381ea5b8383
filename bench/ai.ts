/**
 * 2,000 AI actions in flight at once against a provider stand-in that answers each request in 2 s:
 * how long the batch takes, how many requests the provider saw at once, and the process's memory.
 * Each round runs the same batch at one runtime concurrency (actions in flight per process), so the
 * default (256) can be compared with one that holds the whole batch.
 *
 *   npm run ai -w @conflux/bench        # BENCH_ACTIONS=2000 BENCH_DELAY_MS=2000 BENCH_CONCURRENCY=256,2000
 */
import { AiStandIn } from "../packages/server/test/ai-stand-in.ts";
import { startBenchConflux } from "./bench-conflux.ts";

const actions = Number(process.env.BENCH_ACTIONS ?? 2_000);
const delayMs = Number(process.env.BENCH_DELAY_MS ?? 2_000);
const concurrencies = (process.env.BENCH_CONCURRENCY ?? "256,2000").split(",").map(Number);
const senders = 64;

interface RoundResult {
  concurrency: number;
  seconds: number;
  acceptSeconds: number;
  /** CPU time of this process per action (all of it: API, runtime, AI SDK, stand-in), less sensitive to a busy machine than wall time. */
  cpuMsPerAction: number;
  actionsPerSecond: number;
  providerPeakInFlight: number;
  completed: number;
  rssPeakMiB: number;
  heapPeakMiB: number;
  rssBeforeMiB: number;
}

const mib = (bytes: number) => Math.round(bytes / 1_048_576);

async function round(concurrency: number, standIn: AiStandIn, standInUrl: string): Promise<RoundResult> {
  const bench = await startBenchConflux(
    {
      outbound: { allowPrivateAddresses: true },
      runtime: { concurrency, maxTries: 3, retryBaseMs: 1_000, leaseMs: 120_000, pollMs: 50 },
      ai: {
        monthlyCredits: 1_000_000,
        requestsPerMinute: 1_000_000,
        timeoutMs: 60_000,
        providers: { openai: { baseUrl: `${standInUrl}/openai/v1`, apiKey: "sk-bench" } },
      },
    },
    `bench-${concurrency}@example.com`,
  );
  const { conflux, headers } = bench;
  try {
    const app = await bench.post<{ appId: string }>("/v1/apps", {
      name: "bench ai",
      channels: [{ channelId: "in" }],
      actions: [
        {
          actionId: "ask",
          channelId: "in",
          type: "ai",
          config: {
            model: "openai/gpt-4.1-mini",
            systemPrompt: "You watch fridges.",
            prompt: "Is ${payload.sensor} too warm at ${payload.temp} °C?",
            data: "${payload}",
          },
        },
      ],
    });

    standIn.maxInFlight = 0;
    standIn.received.length = 0;
    let peakRss = 0;
    let peakHeap = 0;
    const rssBefore = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      const { rss, heapUsed } = process.memoryUsage();
      peakRss = Math.max(peakRss, rss);
      peakHeap = Math.max(peakHeap, heapUsed);
    }, 50);

    let finished = 0;
    let allFinished: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      allFinished = resolve;
    });
    const started = Date.now();
    const cpuBefore = process.cpuUsage();
    let next = 0;
    await Promise.all(
      Array.from({ length: senders }, async () => {
        while (next < actions) {
          const index = next++;
          const answer = await fetch(`${conflux.url}/v1/apps/${app.appId}/channels/in/messages`, {
            method: "POST",
            headers,
            body: JSON.stringify({ sensor: `fridge-${index}`, temp: 9.5 }),
          });
          const { executionId } = (await answer.json()) as { executionId: string };
          const unsubscribe = conflux.services.stepEvents.subscribe(executionId, (event) => {
            if (event.step.status !== "completed" && event.step.status !== "failed") return;
            unsubscribe();
            if (++finished === actions) allFinished();
          });
        }
      }),
    );
    const acceptSeconds = (Date.now() - started) / 1000;
    await done;
    const seconds = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampler);
    return {
      concurrency,
      seconds,
      acceptSeconds,
      cpuMsPerAction: (cpu.user + cpu.system) / 1000 / actions,
      actionsPerSecond: actions / seconds,
      providerPeakInFlight: standIn.maxInFlight,
      completed: standIn.received.length,
      rssPeakMiB: mib(peakRss),
      heapPeakMiB: mib(peakHeap),
      rssBeforeMiB: mib(rssBefore),
    };
  } finally {
    await bench.close();
  }
}

const standIn = new AiStandIn();
const standInUrl = await standIn.start();
standIn.answer = () => ({ text: "Yes: 9.5 °C is above the 8 °C limit.", delayMs });
const results: RoundResult[] = [];
for (const concurrency of concurrencies) {
  results.push(await round(concurrency, standIn, standInUrl));
  console.error(`concurrency ${concurrency}: ${results.at(-1)?.seconds.toFixed(1)} s`);
}
await standIn.stop();
console.table(
  Object.fromEntries(
    results.map((r) => [
      `concurrency ${r.concurrency}`,
      {
        "all accepted s": Number(r.acceptSeconds.toFixed(2)),
        "batch s": Number(r.seconds.toFixed(2)),
        "actions/s": Math.round(r.actionsPerSecond),
        "CPU ms/action": Number(r.cpuMsPerAction.toFixed(2)),
        "provider peak in flight": r.providerPeakInFlight,
        "provider requests": r.completed,
        "RSS before MiB": r.rssBeforeMiB,
        "RSS peak MiB": r.rssPeakMiB,
        "heap peak MiB": r.heapPeakMiB,
      },
    ]),
  ),
);
console.log(
  `${actions} ai actions, provider answering in ${delayMs} ms; the stand-in runs in the same process (its memory is included).`,
);
