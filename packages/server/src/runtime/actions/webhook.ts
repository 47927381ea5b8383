import { type ActionConfig, maxWebhookResponseBytes, type Scope, webhookTimeoutMs } from "@conflux/core";
import { compileTemplateOnce } from "../../expressions/compiled-expressions.ts";
import { type ActionDefinition, ActionError } from "./action.ts";
import { failOnErrorStatus, readResponseBody } from "./http-response.ts";
import { renderText } from "./render.ts";
import { authorizeRequest } from "./webhook-auth.ts";

type WebhookConfig = ActionConfig<"webhook">;

function renderBody(body: WebhookConfig["body"], scope: Scope): { contentType?: string; content?: string } {
  switch (body.mode) {
    case "none":
      return {};
    case "forward":
      return { contentType: "application/json", content: JSON.stringify(scope.payload ?? null) };
    case "json":
      return {
        contentType: "application/json",
        content: JSON.stringify(compileTemplateOnce(body.content, "json").render(scope)),
      };
    case "text":
      return { contentType: "text/plain; charset=utf-8", content: renderText(body.content, scope) };
    case "other":
      return { contentType: body.contentType, content: renderText(body.content, scope) };
  }
}

/** An HTTP request with templated URL, headers and body; the response is the result (cut at 8,192 bytes). */
export const webhookAction: ActionDefinition<"webhook"> = {
  type: "webhook",
  async run(config, context) {
    const { scope } = context;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(config.headers))
      headers[name.toLowerCase()] = renderText(value, scope);
    const body = config.method === "GET" || config.method === "HEAD" ? {} : renderBody(config.body, scope);
    if (body.contentType && !headers["content-type"]) headers["content-type"] = body.contentType;
    headers["idempotency-key"] = context.idempotencyKey;
    const request = {
      method: config.method,
      url: renderText(config.url, scope),
      headers,
      ...(body.content === undefined ? {} : { body: body.content }),
    };
    // Last: a signature (AWS SigV4) covers the URL, the other headers and the body as they go out.
    Object.assign(headers, await authorizeRequest(config.auth, request, context));

    const response = await context.outbound.send({
      ...request,
      timeoutMs: webhookTimeoutMs,
      maxResponseBytes: maxWebhookResponseBytes,
    });
    if (response.status >= 300 && response.status < 400 && config.acceptRedirects !== true) {
      const location = response.headers.location;
      throw new ActionError(
        "webhook_redirect",
        `the webhook answered HTTP ${response.status}, a redirect${location ? ` to ${location.slice(0, 2_048)}` : ""}, which is not followed; change the URL, or set acceptRedirects to count it as success`,
      );
    }
    failOnErrorStatus(response, "the webhook");
    return {
      result: { status: response.status, headers: response.headers, body: readResponseBody(response) },
    };
  },
};
