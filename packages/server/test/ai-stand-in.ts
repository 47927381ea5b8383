import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * One local server standing in for every AI provider, each on the path its real API uses, so a
 * provider is configured with this server's URL and nothing else changes:
 *   OpenAI Responses        POST /openai/v1/responses
 *   OpenAI-compatible chat  POST /compatible/v1/chat/completions (Ollama, vLLM, llama.cpp)
 *   Azure OpenAI            POST /azure/openai/deployments/<deployment>/chat/completions?api-version=…
 *   Bedrock Converse        POST /bedrock/model/<model id>/converse
 *   Gemini                  POST /google/v1beta/models/<model>:generateContent
 * Answers are scripted per request (text, JSON, an error status, a delay) and wrapped in the
 * provider's own response format; every request is recorded for the tests to inspect.
 */

export type Provider = "openai" | "compatible" | "azure" | "bedrock" | "google";

export interface ProviderRequest {
  provider: Provider;
  /** The model id, or the Azure deployment name, as the URL or body names it. */
  model: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: any;
  raw: string;
}

export type ScriptedAnswer =
  | {
      text: string;
      delayMs?: number;
      inputTokens?: number;
      outputTokens?: number;
      /** The answer waits for this too: a test lets requests pile up at the provider, then lets them go. */
      heldUntil?: Promise<unknown>;
    }
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number };

export class AiStandIn {
  readonly received: ProviderRequest[] = [];
  answer: (request: ProviderRequest, index: number) => ScriptedAnswer = () => ({ text: "ok" });
  inFlight = 0;
  maxInFlight = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const url = new URL(request.url ?? "/", "http://stand-in");
        const raw = Buffer.concat(chunks).toString("utf8");
        const route = routeOf(url.pathname);
        if (!route || request.method !== "POST") {
          response.writeHead(404, { "content-type": "application/json" });
          response.end(JSON.stringify({ error: { message: `no route ${request.method} ${url.pathname}` } }));
          return;
        }
        let body: any;
        try {
          body = JSON.parse(raw);
        } catch {
          body = undefined;
        }
        const received: ProviderRequest = {
          provider: route.provider,
          model: route.model ?? body?.model ?? "",
          path: url.pathname,
          query: url.searchParams,
          headers: request.headers,
          body,
          raw,
        };
        const index = this.received.push(received) - 1;
        const scripted = this.answer(received, index);
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        const answer = () => {
          this.inFlight--;
          if ("status" in scripted) {
            response.writeHead(scripted.status, { "content-type": "application/json", ...scripted.headers });
            response.end(
              JSON.stringify(scripted.body ?? { error: { message: `scripted ${scripted.status}` } }),
            );
            return;
          }
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify(wrapAnswer(received, scripted)));
        };
        const held = "heldUntil" in scripted ? scripted.heldUntil : undefined;
        void Promise.resolve(held).then(() => setTimeout(answer, scripted.delayMs ?? 0));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function routeOf(path: string): { provider: Provider; model?: string } | undefined {
  if (path === "/openai/v1/responses") return { provider: "openai" };
  if (path === "/compatible/v1/chat/completions") return { provider: "compatible" };
  let match = /^\/azure\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(path);
  if (match?.[1]) return { provider: "azure", model: decodeURIComponent(match[1]) };
  match = /^\/bedrock\/model\/([^/]+)\/converse$/.exec(path);
  if (match?.[1]) return { provider: "bedrock", model: decodeURIComponent(match[1]) };
  match = /^\/google\/v1beta\/models\/([^/:]+):generateContent$/.exec(path);
  if (match?.[1]) return { provider: "google", model: decodeURIComponent(match[1]) };
  return undefined;
}

function wrapAnswer(
  request: ProviderRequest,
  answer: { text: string; inputTokens?: number; outputTokens?: number },
) {
  const input = answer.inputTokens ?? 11;
  const output = answer.outputTokens ?? 7;
  const created = Math.floor(Date.now() / 1000);
  switch (request.provider) {
    case "openai":
      return {
        id: "resp_standin",
        object: "response",
        created_at: created,
        status: "completed",
        model: request.model,
        output: [
          {
            type: "message",
            id: "msg_standin",
            status: "completed",
            role: "assistant",
            content: [{ type: "output_text", text: answer.text, annotations: [] }],
          },
        ],
        incomplete_details: null,
        usage: {
          input_tokens: input,
          output_tokens: output,
          total_tokens: input + output,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens_details: { reasoning_tokens: 0 },
        },
      };
    case "compatible":
    case "azure":
      return {
        id: "chatcmpl-standin",
        object: "chat.completion",
        created,
        model: request.model,
        choices: [{ index: 0, message: { role: "assistant", content: answer.text }, finish_reason: "stop" }],
        usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
      };
    case "bedrock": {
      // With a JSON schema the SDK asks for the answer through a tool named "json".
      const jsonTool = request.body?.toolConfig?.tools?.some((tool: any) => tool.toolSpec?.name === "json");
      return {
        output: {
          message: {
            role: "assistant",
            content: jsonTool
              ? [{ toolUse: { toolUseId: "tooluse_standin", name: "json", input: JSON.parse(answer.text) } }]
              : [{ text: answer.text }],
          },
        },
        stopReason: jsonTool ? "tool_use" : "end_turn",
        usage: { inputTokens: input, outputTokens: output, totalTokens: input + output },
        metrics: { latencyMs: 5 },
      };
    }
    case "google":
      return {
        candidates: [
          { content: { role: "model", parts: [{ text: answer.text }] }, finishReason: "STOP", index: 0 },
        ],
        usageMetadata: {
          promptTokenCount: input,
          candidatesTokenCount: output,
          totalTokenCount: input + output,
        },
        modelVersion: request.model,
      };
  }
}
