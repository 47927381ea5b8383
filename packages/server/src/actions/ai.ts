import { askModel } from "../ai/ask-model.ts";
import { loadMedia, type Media } from "../ai/media.ts";
import { buildPrompt, maxRenderedPromptChars } from "../ai/prompt.ts";
import { type ActionContext, type ActionDefinition, ActionError } from "./action.ts";
import { renderText } from "./render.ts";

/** Asks a language model; device data stays in fenced data sections (ai/prompt.ts). */
export const aiAction: ActionDefinition<"ai"> = {
  type: "ai",
  async run(config, context) {
    const { scope, ai } = context;
    const prompt = buildPrompt(config, scope);
    if (prompt.user.length + prompt.system.length > maxRenderedPromptChars)
      throw new ActionError(
        "ai_prompt_too_long",
        `the rendered prompt is ${prompt.user.length + prompt.system.length} characters; the limit is ${maxRenderedPromptChars}`,
      );
    const media: (Media & { kind: "image" | "video" })[] = [];
    if (config.imageUrl)
      media.push({ kind: "image", ...(await loadReferenced(config.imageUrl, "image", context)) });
    if (config.videoUrl)
      media.push({ kind: "video", ...(await loadReferenced(config.videoUrl, "video", context)) });

    const answer = await askModel(
      {
        operatorId: context.operator.operatorId,
        models: [config.model, ...config.fallbackModels],
        credentialsId: config.credentialsId,
        system: prompt.system,
        user: prompt.user,
        media,
        temperature: config.temperature,
        maxTokens: config.maxTokens,
        json: config.jsonOutput ? { schema: config.jsonSchema } : undefined,
      },
      ai,
      context.openCredential,
    );
    const usage = { ...answer.usage };
    return {
      result: { output: answer.output, usage, model: answer.model },
      usage: { ...usage, model: answer.model },
    };
  },
};

/** Like a webhook's; with ai.timeoutMs it stays under the runtime's job lease. */
const mediaTimeoutMs = 15_000;

/** A templated image or video reference, read as bytes. */
export async function loadReferenced(
  template: string,
  kind: "image" | "video",
  context: ActionContext,
): Promise<Media> {
  const reference = renderText(template, context.scope).trim();
  if (reference === "") throw new ActionError("ai_media_missing", `the ${kind} URL is empty`);
  return loadMedia(reference, kind, {
    outbound: context.ai.outbound,
    files: context.ai.files(context.operator.operatorId),
    maxBytes: context.ai.config.maxImageBytes,
    timeoutMs: mediaTimeoutMs,
  });
}
