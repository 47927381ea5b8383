import {
  aiConfigSchema,
  boundingBoxConfigSchema,
  type JsonValue,
  objectDetectionConfigSchema,
} from "@conflux/core";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { ulid } from "ulid";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { listSchema, wholeList } from "../api/list-envelope.ts";
import type { ActionServices } from "../runtime/actions/action-context.ts";
import { createActionContext } from "../runtime/actions/action-context.ts";
import { runActionOfType } from "../runtime/actions/registry.ts";
import { classifyError } from "../runtime/step-error.ts";
import type { AiConfig } from "./ai-config.ts";
import type { AiServices } from "./ai-services.ts";
import { catalogue, providerNames } from "./catalogue.ts";
import { serviceAccess } from "./provider-access.ts";

const sampleInput = z.unknown().default(null);

const modelView = z.object({
  model: z.string(),
  provider: z.enum(providerNames),
  modelId: z.string(),
  label: z.string(),
  image: z.boolean(),
  video: z.boolean(),
  credits: z.number().int(),
  available: z.boolean(),
});

/** An AI action and a sample input, run once without an app: the studio's "try it". */
const tryBody = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ai"), config: aiConfigSchema, payload: sampleInput }),
  z.object({
    type: z.literal("object-detection"),
    config: objectDetectionConfigSchema,
    payload: sampleInput,
  }),
  z.object({ type: z.literal("bounding-box"), config: boundingBoxConfigSchema, payload: sampleInput }),
]);

/** The model catalogue (for the studio's model picker) and a "try it" run. */
export interface AiRouteDeps {
  config: { ai: AiConfig };
  ai: AiServices;
  /** What the "try it" run draws on, as a run in the runtime would. */
  actions: ActionServices;
}

export async function aiRoutes(api: FastifyInstance, services: AiRouteDeps): Promise<void> {
  const { config } = services;
  const routes = api.withTypeProvider<ZodTypeProvider>();

  routes.get(
    "/v1/ai/models",
    {
      schema: {
        summary: "Models offered on the service's keys, with what they take and cost, in one page",
        tags: ["Ai"],
        operationId: "listAiModels",
        response: { 200: listSchema(modelView) },
      },
    },
    async () =>
      wholeList(
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
      ),
  );

  routes.post(
    "/v1/ai/try",
    {
      schema: {
        summary:
          "Run an ai, object-detection or bounding-box action once on a sample input (counts credits and the rate limit like any run)",
        tags: ["Ai"],
        operationId: "tryAiModel",
        body: tryBody,
      },
    },
    async (request) => {
      const operator = operatorOf(request);
      const payload = request.body.payload as JsonValue;
      const context = createActionContext({ ...services.actions, mail: undefined }, operator, {
        scope: {
          payload,
          context: { eventType: "try" },
          event: { payload, context: { eventType: "try" } },
        },
        idempotencyKey: `try-${ulid()}`,
        hop: 0,
      });
      try {
        const { result, usage: used } = await runActionOfType(
          request.body.type,
          request.body.config,
          context,
        );
        return { status: "completed", result, usage: used ?? null };
      } catch (thrown) {
        const { code, message } = classifyError(thrown);
        return { status: "failed", error: { code, message } };
      }
    },
  );
}
