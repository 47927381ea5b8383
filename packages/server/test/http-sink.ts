import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SinkReply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** A local HTTP server standing in for a webhook receiver or Slack: records requests, answers as scripted. */
export class HttpSink {
  readonly received: ReceivedRequest[] = [];
  private server: Server | undefined;
  private readonly waiters: Array<() => void> = [];
  /** Decides each answer; the default is 200 with a small JSON body. */
  reply: (request: ReceivedRequest, index: number) => SinkReply = () => ({
    status: 200,
    body: JSON.stringify({ ok: true }),
    headers: { "content-type": "application/json" },
  });
  inFlight = 0;
  maxInFlight = 0;

  /** On a free port, or on `port` again after a stop (a receiver coming back). */
  async start(port = 0): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const received: ReceivedRequest = {
          method: request.method ?? "",
          url: request.url ?? "",
          headers: request.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        };
        const index = this.received.push(received) - 1;
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        const answer = this.reply(received, index);
        setTimeout(() => {
          this.inFlight--;
          response.writeHead(answer.status, answer.headers ?? {});
          response.end(answer.body ?? "");
          for (const wake of this.waiters.splice(0)) wake();
        }, answer.delayMs ?? 0);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async waitFor(count: number, timeoutMs = 20_000): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`the sink got ${this.received.length} of ${count} requests`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.received;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
