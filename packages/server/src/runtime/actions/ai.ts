import type { Media } from "../ports/ai-port.ts";
import { type ActionDefinition, ActionError } from "./action.ts";
import { buildPrompt, maxRenderedPromptChars } from "./ai-prompt.ts";
import { loadActionMedia } from "./media.ts";

/** Asks a language model; device data stays in fenced data sections (ai-prompt.ts). */
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
      media.push({ kind: "image", ...(await loadActionMedia(config.imageUrl, "image", context)) });
    if (config.videoUrl)
      media.push({ kind: "video", ...(await loadActionMedia(config.videoUrl, "video", context)) });

    const answer = await ai.askModel(
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
      context.openCredential,
    );
    return {
      result: { output: answer.output, usage: { ...answer.usage }, model: answer.model },
      usage: { ...answer.usage, model: answer.model },
    };
  },
};
