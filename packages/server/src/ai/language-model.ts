import { createAmazonBedrock } from "@ai-sdk/amazon-bedrock";
import { createAzure } from "@ai-sdk/azure";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import type { ProviderAccess } from "../runtime/ports/ai-port.ts";

/**
 * An AI SDK model for one request. Every URL and key is passed explicitly so the SDK never falls
 * back to its environment variables (OPENAI_API_KEY, AWS_REGION…), and every request goes through
 * `fetch`, the guarded client.
 */
export function createLanguageModel(
  access: ProviderAccess,
  modelId: string,
  fetch: typeof globalThis.fetch,
): LanguageModel {
  switch (access.provider) {
    case "openai":
      // The default OpenAI model speaks the Responses API (POST /responses).
      return createOpenAI({
        apiKey: access.apiKey,
        baseURL: access.baseUrl ?? "https://api.openai.com/v1",
        fetch,
      })(modelId);
    case "azure":
      // Deployment URLs (`/deployments/<name>/chat/completions?api-version=…`) work on every Azure
      // OpenAI resource, whatever API versions it has enabled.
      return createAzure({
        apiKey: access.apiKey,
        baseURL: access.baseUrl,
        apiVersion: access.apiVersion ?? "2024-10-21",
        useDeploymentBasedUrls: true,
        fetch,
      }).chat(modelId);
    case "bedrock":
      return createAmazonBedrock({
        // An empty API key keeps the SDK on SigV4 instead of reading AWS_BEARER_TOKEN_BEDROCK.
        apiKey: "",
        region: access.region,
        accessKeyId: access.accessKeyId,
        secretAccessKey: access.secretAccessKey,
        ...(access.sessionToken ? { sessionToken: access.sessionToken } : {}),
        baseURL: access.baseUrl ?? `https://bedrock-runtime.${access.region}.amazonaws.com`,
        fetch,
      })(modelId);
    case "google":
      return createGoogleGenerativeAI({
        apiKey: access.apiKey,
        baseURL: access.baseUrl ?? "https://generativelanguage.googleapis.com/v1beta",
        fetch,
      })(modelId);
    case "openai-compatible":
      return createOpenAICompatible({
        name: "openai-compatible",
        baseURL: access.baseUrl,
        ...(access.apiKey ? { apiKey: access.apiKey } : {}),
        supportsStructuredOutputs: true,
        includeUsage: true,
        fetch,
      })(modelId);
  }
}
