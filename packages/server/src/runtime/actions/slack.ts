import type { ActionDefinition } from "./action.ts";
import { failOnErrorStatus } from "./http-response.ts";
import { renderText } from "./render.ts";

/** Posts `{"text": …}` to a Slack incoming-webhook URL. */
export const slackAction: ActionDefinition<"slack"> = {
  type: "slack",
  async run(config, context) {
    const response = await context.outbound.send({
      method: "POST",
      url: renderText(config.url, context.scope),
      headers: { "content-type": "application/json", "idempotency-key": context.idempotencyKey },
      body: JSON.stringify({ text: renderText(config.text, context.scope) }),
      timeoutMs: 10_000,
      maxResponseBytes: 1_024,
    });
    failOnErrorStatus(response, "Slack");
    return { result: { status: response.status } };
  },
};
