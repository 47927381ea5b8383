import type { FeatureModule } from "../api/feature-module.ts";
import type { AiPort } from "../runtime/ports/ai-port.ts";
import { aiConfigFromEnvironment, aiServiceConfigSchema } from "./ai-config.ts";
import { type AiRouteDeps, aiRoutes } from "./ai-routes.ts";
import type { AiServices } from "./ai-services.ts";
import { askModel } from "./ask-model.ts";
import { aiRequestWindowsMigration, dropAiRequestWindowsMigration } from "./migration.ts";

/** Generative AI: providers, the model catalogue, credits and the rate limit, and the "try it" run. */
export const aiModule = {
  name: "ai",
  migrations: {
    "0010_ai_request_windows": aiRequestWindowsMigration,
    "0042_drop_ai_request_windows": dropAiRequestWindowsMigration,
  },
  config: { schema: aiServiceConfigSchema, fromEnvironment: aiConfigFromEnvironment },
  routes: aiRoutes,
} satisfies FeatureModule<AiRouteDeps>;

/** The runtime's AiPort, as the AI actions use it: one request through the process's AI services. */
export function aiPortOf(ai: AiServices): AiPort {
  return {
    config: ai.config,
    files: ai.files,
    askModel: (request, openCredential) => askModel(request, ai, openCredential),
  };
}
