import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for the LINE Messaging API's push endpoint (`POST /v2/bot/message/push`), with LINE's
 * wire format: a bearer channel access token, `{"to", "messages": [{"type": "text", "text"}]}`, answers
 * `{"sentMessages": [...]}` with `X-Line-Request-Id`, errors as `{"message", "details": [...]}`, and the
 * retry key rule: a second request with an accepted `X-Line-Retry-Key` gets 409 and
 * `X-Line-Accepted-Request-Id`, and is not delivered again.
 */

export interface PushRequest {
  headers: IncomingHttpHeaders;
  body: any;
}

export interface LineFailure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Deliver the message and still answer this (an answer lost on its way back). */
  afterAccepting?: boolean;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class LineStandIn {
  /** Every push request, delivered or not. */
  readonly received: PushRequest[] = [];
  /** The messages LINE delivered: once per accepted retry key. */
  readonly delivered: Array<{ to: string; text: string }> = [];
  /** Channel access tokens LINE knows. */
  readonly tokens = new Set<string>();
  /** Answers for the next requests, in order, before the normal behaviour. */
  readonly failures: LineFailure[] = [];
  private readonly accepted = new Map<string, string>();
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
          response.writeHead(status, {
            "content-type": "application/json",
            "x-line-request-id": randomUUID(),
            ...headers,
          });
          response.end(JSON.stringify(body));
        };
        if (request.method !== "POST" || request.url !== "/v2/bot/message/push")
          return answer(404, { message: "Not found" });
        let body: any;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          return answer(400, { message: "The request body could not be parsed as JSON" });
        }
        this.received.push({ headers: request.headers, body });
        const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1];
        if (!token || !this.tokens.has(token))
          return answer(401, {
            message:
              "Authentication failed. Confirm that the access token in the authorization header is valid.",
          });
        const retryKey = request.headers["x-line-retry-key"];
        if (typeof retryKey === "string" && !uuidPattern.test(retryKey))
          return answer(400, { message: "The value for the 'X-Line-Retry-Key' header is invalid" });
        const acceptedId = typeof retryKey === "string" ? this.accepted.get(retryKey) : undefined;
        if (acceptedId)
          return answer(
            409,
            { message: "The retry key is already accepted", sentMessages: [{ id: "1", quoteToken: "q" }] },
            { "x-line-accepted-request-id": acceptedId },
          );
        const details: Array<{ message: string; property: string }> = [];
        if (typeof body.to !== "string" || body.to === "")
          details.push({ message: "Must not be empty", property: "to" });
        const messages = Array.isArray(body.messages) ? body.messages : [];
        if (messages.length < 1 || messages.length > 5)
          details.push({ message: "Size must be between 1 and 5", property: "messages" });
        messages.forEach((message: any, index: number) => {
          if (message?.type !== "text")
            details.push({
              message: "Must be one of the following values: [text]",
              property: `messages[${index}].type`,
            });
          if (typeof message?.text !== "string" || message.text === "" || message.text.length > 5_000)
            details.push({
              message: "Length must be between 1 and 5000",
              property: `messages[${index}].text`,
            });
        });
        if (details.length)
          return answer(400, { message: `The request body has ${details.length} error(s)`, details });
        if (!/^[UCR][0-9a-f]{32}$/.test(body.to)) return answer(400, { message: "Failed to send messages" });
        const failure = this.failures.shift();
        if (failure && !failure.afterAccepting)
          return answer(failure.status, failure.body ?? { message: "An error occurred" }, failure.headers);
        const requestId = randomUUID();
        if (typeof retryKey === "string") this.accepted.set(retryKey, requestId);
        for (const message of messages) this.delivered.push({ to: body.to, text: message.text });
        if (failure)
          return answer(failure.status, failure.body ?? { message: "An error occurred" }, failure.headers);
        answer(200, { sentMessages: [{ id: String(this.delivered.length), quoteToken: randomUUID() }] });
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
