/**
 * The webhook receiver of the Node-RED comparison, in a process of its own: for every event it notes the time
 * from the load generator's scheduled send (`sentAt` in the body) to its arrival here. The parent asks over IPC:
 * `url`, `reset` (a new round), `count` (delivered so far), `collect` (the round's numbers).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { epochNow } from "./clock.ts";
import { percentile } from "./statistics.ts";

export type SinkRequest = { type: "url" } | { type: "reset" } | { type: "count" } | { type: "collect" };
export interface SinkRound {
  delivered: number;
  /** Events that arrived again (same `seq`). */
  duplicates: number;
  /** Milliseconds from the scheduled send to the arrival here. */
  p50: number;
  p99: number;
  lastArrival: number;
}

/** seq → milliseconds from its scheduled send to its arrival. */
let latencies = new Map<number, number>();
let duplicates = 0;
let lastArrival = 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const arrivedAt = epochNow();
    try {
      const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { seq: number; sentAt: number };
      if (latencies.has(event.seq)) duplicates++;
      else latencies.set(event.seq, arrivedAt - event.sentAt);
      lastArrival = arrivedAt;
    } catch {
      // Not an event of ours; answered all the same so no sender retries it.
    }
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
});
const listening = new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

process.on("message", async (request: SinkRequest) => {
  switch (request.type) {
    case "url":
      await listening;
      process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      return;
    case "reset":
      latencies = new Map();
      duplicates = 0;
      lastArrival = 0;
      process.send?.({ ok: true });
      return;
    case "count":
      process.send?.({ delivered: latencies.size });
      return;
    case "collect": {
      const values = [...latencies.values()];
      const round: SinkRound = {
        delivered: latencies.size,
        duplicates,
        p50: percentile(values, 50),
        p99: percentile(values, 99),
        lastArrival,
      };
      process.send?.(round);
      return;
    }
  }
});
process.on("disconnect", () => server.close());
