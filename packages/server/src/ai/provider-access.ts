import type { ProviderAccess } from "../runtime/ports/ai-port.ts";
import type { AiConfig } from "./ai-config.ts";
import type { ProviderName } from "./catalogue.ts";

/**
 * How to reach one provider and prove who we are: the service's own keys (from the config) or an
 * operator's bring-your-own key (a stored credential of type `ai-provider-key`). The same schema
 * checks a key when it is stored and again when it is opened.
 */

/** The service's own access to a provider, or undefined when the config gives it no key (or no URL). */
export function serviceAccess(config: AiConfig, provider: ProviderName): ProviderAccess | undefined {
  const { providers } = config;
  switch (provider) {
    case "openai":
      return providers.openai.apiKey
        ? { provider, apiKey: providers.openai.apiKey, baseUrl: providers.openai.baseUrl }
        : undefined;
    case "azure":
      return providers.azure.apiKey && providers.azure.baseUrl
        ? {
            provider,
            apiKey: providers.azure.apiKey,
            baseUrl: providers.azure.baseUrl,
            apiVersion: providers.azure.apiVersion,
          }
        : undefined;
    case "bedrock":
      return providers.bedrock.accessKeyId && providers.bedrock.secretAccessKey
        ? {
            provider,
            accessKeyId: providers.bedrock.accessKeyId,
            secretAccessKey: providers.bedrock.secretAccessKey,
            region: providers.bedrock.region,
            baseUrl: providers.bedrock.baseUrl,
          }
        : undefined;
    case "google":
      return providers.google.apiKey
        ? { provider, apiKey: providers.google.apiKey, baseUrl: providers.google.baseUrl }
        : undefined;
    case "openai-compatible":
      return providers["openai-compatible"].baseUrl
        ? {
            provider,
            baseUrl: providers["openai-compatible"].baseUrl,
            apiKey: providers["openai-compatible"].apiKey,
          }
        : undefined;
  }
}
