import type { FastifyInstance } from "fastify";
import { catalogue } from "../ai/catalogue.ts";
import { serviceAccess } from "../ai/provider-access.ts";
import type { Services } from "../conflux.ts";
import { usageMonth } from "../usage/usage-store.ts";
import { operatorOf } from "./authenticate.ts";

/** The model catalogue (for the studio's model picker) and the operator's AI usage this month. */
export async function aiRoutes(api: FastifyInstance, { config, usage }: Services): Promise<void> {
  api.get(
    "/v1/ai/models",
    {
      schema: { summary: "Models offered on the service's keys, with what they take and cost", tags: ["ai"] },
    },
    async () =>
      catalogue.map((model) => ({
        model: model.model,
        provider: model.provider,
        modelId: model.modelId,
        label: model.label,
        image: model.image,
        video: model.video,
        credits: model.credits,
        /** False when the service has no key for the provider: only a bring-your-own key reaches it. */
        available: serviceAccess(config.ai, model.provider) !== undefined,
      })),
  );

  api.get(
    "/v1/usage",
    { schema: { summary: "This month's usage (UTC calendar month) and the AI credit quota", tags: ["ai"] } },
    async (request) => {
      const operatorId = operatorOf(request).operatorId;
      const now = Date.now();
      const counters = await usage.month(operatorId, now);
      return {
        month: usageMonth(now),
        aiCredits: { used: counters.ai_credits ?? 0, quota: config.ai.monthlyCredits },
        aiRequests: counters.ai_requests ?? 0,
        aiInputTokens: counters.ai_input_tokens ?? 0,
        aiOutputTokens: counters.ai_output_tokens ?? 0,
      };
    },
  );
}
