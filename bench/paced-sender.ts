/**
 * The load generator of the Node-RED comparison, in a process of its own so it shares no event loop with the
 * system under test. Two modes:
 * - open loop: requests leave on a fixed schedule (`rate` a second), whatever the answers do, and each carries
 *   its scheduled send time (`sentAt`), so a stalled server shows as latency instead of as fewer requests sent
 *   (no coordinated omission). autocannon's rate mode sends each second's requests in a burst, hence this.
 * - closed loop: `connections` requests at a time, each sent when the previous one on its connection is
 *   answered (saturation); `sentAt` is then the actual send time.
 * Every event is `{sensor, temp, humidity, seq, sentAt}` with `temp > 8`, so the condition passes.
 */
import { Pool } from "undici";
import { epochNow } from "./clock.ts";
import { percentile } from "./statistics.ts";

export interface SenderRequest {
  url: string;
  headers: Record<string, string>;
  mode: "open" | "closed";
  /** Open loop: requests a second. */
  rate: number;
  seconds: number;
  connections: number;
}
export interface SenderResult {
  sent: number;
  /** Answered 2xx: the system took the event. */
  accepted: number;
  /** Answered 429 or 503: refused at the door (backpressure). */
  refused: number;
  /** Any other status, or no answer. */
  failed: number;
  /** Scheduled time of the first request (epoch ms). */
  firstSend: number;
  /** Open loop: how late this process sent (actual − scheduled), 99th percentile in ms. */
  sendLagP99: number;
  /** Milliseconds from the scheduled send to the answer. */
  answerP50: number;
  answerP99: number;
}

const timeoutMs = 120_000;

async function run(request: SenderRequest): Promise<SenderResult> {
  const target = new URL(request.url);
  const pool = new Pool(target.origin, {
    connections: request.connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const headers = { "content-type": "application/json", ...request.headers };
  const path = `${target.pathname}${target.search}`;
  const counts = { sent: 0, accepted: 0, refused: 0, failed: 0 };
  const answers: number[] = [];
  const lags: number[] = [];

  const send = async (seq: number, sentAt: number) => {
    counts.sent++;
    const body = JSON.stringify({ sensor: "fridge-1", temp: 9.5, humidity: 61, seq, sentAt });
    try {
      const response = await pool.request({ path, method: "POST", headers, body });
      await response.body.dump();
      if (response.statusCode >= 200 && response.statusCode < 300) counts.accepted++;
      else if (response.statusCode === 429 || response.statusCode === 503) counts.refused++;
      else counts.failed++;
    } catch {
      counts.failed++;
    }
    answers.push(epochNow() - sentAt);
  };

  const firstSend = epochNow() + 20;
  if (request.mode === "open") {
    const total = Math.round(request.rate * request.seconds);
    const interval = 1000 / request.rate;
    const pending: Promise<void>[] = [];
    let next = 0;
    await new Promise<void>((resolve) => {
      // Wakes every millisecond (as often as timers go) and sends whatever the schedule says is due.
      const tick = () => {
        const now = epochNow();
        while (next < total && firstSend + next * interval <= now) {
          const scheduled = firstSend + next * interval;
          lags.push(now - scheduled);
          pending.push(send(next, scheduled));
          next++;
        }
        if (next < total) setTimeout(tick, 1);
        else resolve();
      };
      setTimeout(tick, Math.max(0, firstSend - epochNow()));
    });
    await Promise.all(pending);
  } else {
    const end = firstSend + request.seconds * 1000;
    let seq = 0;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstSend - epochNow())));
    await Promise.all(
      Array.from({ length: request.connections }, async () => {
        while (epochNow() < end) await send(seq++, epochNow());
      }),
    );
  }
  await pool.close();
  return {
    ...counts,
    firstSend,
    sendLagP99: lags.length ? percentile(lags, 99) : 0,
    answerP50: percentile(answers, 50),
    answerP99: percentile(answers, 99),
  };
}

process.on("message", async (request: SenderRequest) => {
  process.send?.(await run(request));
});
