import type { JsonValue } from "@conflux/core";
import type { ActionContext, ActionDefinition, ActionResult } from "./action.ts";
import { failOnErrorStatus } from "./http-response.ts";
import { renderText } from "./render.ts";

async function postToSlack(url: string, message: JsonValue, context: ActionContext): Promise<ActionResult> {
  const response = await context.outbound.send({
    method: "POST",
    url: renderText(url, context.scope),
    headers: { "content-type": "application/json", "idempotency-key": context.idempotencyKey },
    body: JSON.stringify(message),
    timeoutMs: 10_000,
    maxResponseBytes: 1_024,
  });
  failOnErrorStatus(response, "Slack");
  return { result: { status: response.status } };
}

/** Posts `{"text": …}` to a Slack incoming-webhook URL. */
export const slackAction: ActionDefinition<"slack"> = {
  type: "slack",
  run: (config, context) =>
    postToSlack(config.url, { text: renderText(config.text, context.scope) }, context),
};

/** SORACOM Flux's Slack action: posts its `payload`, with `text` rendered, to the incoming-webhook URL. */
export const slackNotificationAction: ActionDefinition<"slack-notification"> = {
  type: "slack-notification",
  run: (config, context) =>
    postToSlack(
      config.url,
      {
        ...(config.payload as Record<string, JsonValue>),
        text: renderText(config.payload.text, context.scope),
      },
      context,
    ),
};
