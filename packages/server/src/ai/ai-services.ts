import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { OutboundClient } from "../outbound/guarded-client.ts";
import type { FilePort, OperatorFilesPort } from "../runtime/ports/file-port.ts";
import type { UsageMeter } from "../runtime/ports/usage-meter.ts";
import type { Database } from "../store/schema.ts";
import type { AiConfig } from "./ai-config.ts";
import { createGuardedFetch } from "./guarded-fetch.ts";
import { AiRateLimiter } from "./rate-limit.ts";

/** What the AI actions share across runs: one per process, built in conflux.ts. */
export interface AiServices {
  readonly config: AiConfig;
  readonly usage: UsageMeter;
  readonly rateLimiter: AiRateLimiter;
  /** A `fetch` for the AI SDK, through the guarded client, that gives up after `timeoutMs`. */
  fetchWithin(timeoutMs: number): typeof fetch;
  /** An operator's files (images in, drawn images out). */
  files(operatorId: string): OperatorFilesPort;
}

export function createAiServices(
  config: AiConfig,
  db: Kysely<Database>,
  outbound: OutboundClient,
  usage: UsageMeter,
  fileStore: FilePort,
  logger: Logger,
  /** Requests per operator per minute, when read elsewhere (the provider's settings) on every request. */
  requestsPerMinute: () => Promise<number> = async () => config.requestsPerMinute,
): AiServices {
  // The AI SDK prints its warnings (a setting a model ignores…) on the console; they belong in our log.
  Object.assign(globalThis, {
    AI_SDK_LOG_WARNINGS: ({
      warnings,
      provider,
      model,
    }: {
      warnings: unknown[];
      provider: string;
      model: string;
    }) => logger.debug({ warnings, provider, model }, "AI SDK warnings"),
  });
  return {
    config,
    usage,
    rateLimiter: new AiRateLimiter(db, requestsPerMinute),
    fetchWithin: (timeoutMs) =>
      createGuardedFetch(outbound, { timeoutMs, maxResponseBytes: config.maxResponseBytes }),
    files: (operatorId) => fileStore.forOperator(operatorId),
  };
}
