import { z } from "zod";
import { definedEntries, type Env } from "../config/environment.ts";
import { mediaTimeoutMs } from "../runtime/actions/media.ts";

/**
 * The `ai` part of the configuration: the service's own provider keys and endpoints (set by whoever
 * runs the service), and the limits every operator gets. A provider without a key offers no
 * credit-billed models; operators can still use it with their own key.
 */

const endpoint = z.string().url();

export const aiServiceConfigSchema = z.object({
  /** Credits each operator may spend a UTC calendar month on the service's own keys. */
  monthlyCredits: z.coerce.number().int().min(0).default(1_000),
  /** AI requests per operator per minute (all instances on one database together), whatever key they use. */
  requestsPerMinute: z.coerce.number().int().min(1).default(120),
  /**
   * All provider requests of one action run together (fallbacks and the JSON repair try included);
   * past it the run fails with a transient ai_timeout. Kept under the runtime's job lease (60 s),
   * with the image fetch's 15 s, so a slow provider never makes a second worker take the job.
   */
  timeoutMs: z.coerce.number().int().min(100).max(600_000).default(40_000),
  /**
   * Images (and videos) handed to a model are fetched up to this size. Each action in flight holds
   * its image (and its base64 copy in the request), so memory grows with runtime.concurrency × this.
   */
  maxImageBytes: z.coerce
    .number()
    .int()
    .min(1_024)
    .default(5 * 1_048_576),
  /** A provider's answer is read up to this size. */
  maxResponseBytes: z.coerce
    .number()
    .int()
    .min(1_024)
    .default(4 * 1_048_576),
  providers: z
    .object({
      openai: z.object({ baseUrl: endpoint.optional(), apiKey: z.string().optional() }).prefault({}),
      /** baseUrl is the resource's `https://<resource>.openai.azure.com/openai`; models are deployment names. */
      azure: z
        .object({
          baseUrl: endpoint.optional(),
          apiKey: z.string().optional(),
          apiVersion: z.string().default("2024-10-21"),
        })
        .prefault({}),
      bedrock: z
        .object({
          baseUrl: endpoint.optional(),
          region: z.string().default("us-east-1"),
          accessKeyId: z.string().optional(),
          secretAccessKey: z.string().optional(),
        })
        .prefault({}),
      google: z.object({ baseUrl: endpoint.optional(), apiKey: z.string().optional() }).prefault({}),
      /** A self-hosted server (Ollama, vLLM, llama.cpp): its URL up to and including `/v1`. */
      "openai-compatible": z
        .object({ baseUrl: endpoint.optional(), apiKey: z.string().optional() })
        .prefault({}),
    })
    .prefault({}),
});
export type AiConfig = z.infer<typeof aiServiceConfigSchema>;

/**
 * A run's AI time and its media fetch must end before the job's lease does, or another worker
 * would take the job while the first still waits on the provider (a double request, double
 * credits): the budget is cut to fit a short lease, with 5 s to spare.
 */
export function fitAiTimeoutToLease(ai: AiConfig, leaseMs: number): AiConfig {
  const fits = leaseMs - mediaTimeoutMs - 5_000;
  return { ...ai, timeoutMs: Math.max(1_000, Math.min(ai.timeoutMs, fits)) };
}

export type AiConfigInput = z.input<typeof aiServiceConfigSchema>;

/** `CONFLUX_AI_*` variables; undefined when none is set, so the file's `ai` section stays whole. */
export function aiConfigFromEnvironment(env: Env): AiConfigInput | undefined {
  const providers = definedEntries({
    openai: definedEntries({
      baseUrl: env.CONFLUX_AI_OPENAI_BASE_URL,
      apiKey: env.CONFLUX_AI_OPENAI_API_KEY,
    }),
    azure: definedEntries({
      baseUrl: env.CONFLUX_AI_AZURE_BASE_URL,
      apiKey: env.CONFLUX_AI_AZURE_API_KEY,
      apiVersion: env.CONFLUX_AI_AZURE_API_VERSION,
    }),
    bedrock: definedEntries({
      baseUrl: env.CONFLUX_AI_BEDROCK_BASE_URL,
      region: env.CONFLUX_AI_BEDROCK_REGION,
      accessKeyId: env.CONFLUX_AI_BEDROCK_ACCESS_KEY_ID,
      secretAccessKey: env.CONFLUX_AI_BEDROCK_SECRET_ACCESS_KEY,
    }),
    google: definedEntries({
      baseUrl: env.CONFLUX_AI_GOOGLE_BASE_URL,
      apiKey: env.CONFLUX_AI_GOOGLE_API_KEY,
    }),
    "openai-compatible": definedEntries({
      baseUrl: env.CONFLUX_AI_COMPATIBLE_BASE_URL,
      apiKey: env.CONFLUX_AI_COMPATIBLE_API_KEY,
    }),
  });
  return definedEntries({
    monthlyCredits: env.CONFLUX_AI_MONTHLY_CREDITS,
    requestsPerMinute: env.CONFLUX_AI_REQUESTS_PER_MINUTE,
    timeoutMs: env.CONFLUX_AI_TIMEOUT_MS,
    providers,
  }) as AiConfigInput | undefined;
}
