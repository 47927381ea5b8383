import type { JsonValue } from "@conflux/core";
import { z } from "zod";
import type { OperatorFilesPort } from "./file-port.ts";

/**
 * What the AI actions (ai, object-detection, bounding-box) need of the AI feature, which implements
 * it (ai/module.ts): one model request with its keys, credits, JSON check and fallbacks, the limits
 * media are read within, and the operator's files.
 */
export interface AiPort {
  readonly config: { readonly maxImageBytes: number };
  askModel(request: ModelRequest, openCredential: OpenCredential): Promise<ModelAnswer>;
  /** An operator's files (images in, drawn images out). */
  files(operatorId: string): OperatorFilesPort;
}

/** An image or video for a model, as bytes. */
export interface Media {
  data: Uint8Array;
  mediaType: string;
}

export interface ModelRequest {
  operatorId: string;
  /** The model first, then the fallbacks, each `<provider>/<model id>`. */
  models: readonly string[];
  /** A stored `ai-provider-key` credential: its provider's models run on the operator's key, free of credits. */
  credentialsId?: string | undefined;
  system: string;
  user: string;
  media: readonly (Media & { kind: "image" | "video" })[];
  temperature?: number | undefined;
  maxTokens?: number | undefined;
  /** Absent: a text answer. Present: a JSON answer, checked against `schema` when there is one. */
  json?: { schema?: Record<string, unknown> | undefined } | undefined;
}

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  credits: number;
  requests: number;
}

export interface ModelAnswer {
  output: JsonValue;
  model: string;
  usage: ModelUsage;
}

export type OpenCredential = (credentialsId: string) => Promise<Record<string, string>>;

/**
 * The value of a credential of type `ai-provider-key` (an operator's bring-your-own key): checked by
 * the credential routes when it is stored and by the AI feature when it is opened.
 */
const apiKey = z.string().min(1).max(8_192);
const baseUrl = z.string().url().max(2_048);

export const providerAccessSchema = z.discriminatedUnion("provider", [
  z.object({ provider: z.literal("openai"), apiKey, baseUrl: baseUrl.optional() }),
  z.object({
    provider: z.literal("azure"),
    apiKey,
    /** `https://<resource>.openai.azure.com/openai`: an Azure key belongs to one resource. */
    baseUrl,
    apiVersion: z.string().max(64).optional(),
  }),
  z.object({
    provider: z.literal("bedrock"),
    accessKeyId: z.string().min(1).max(256),
    secretAccessKey: z.string().min(1).max(1_024),
    sessionToken: z.string().max(8_192).optional(),
    region: z.string().min(1).max(64),
    baseUrl: baseUrl.optional(),
  }),
  z.object({ provider: z.literal("google"), apiKey, baseUrl: baseUrl.optional() }),
  z.object({ provider: z.literal("openai-compatible"), baseUrl, apiKey: apiKey.optional() }),
]);
export type ProviderAccess = z.infer<typeof providerAccessSchema>;
