import { createHash } from "node:crypto";
import { z } from "zod";
import type { OutboundResponse } from "../../outbound/guarded-client.ts";
import { type ActionDefinition, ActionError } from "./action.ts";
import { failOnErrorStatus } from "./http-response.ts";
import { renderText } from "./render.ts";

/** LINE's error body: `{"message": "The request body has 1 error(s)", "details": [{"message", "property"}]}`. */
const lineErrorSchema = z.object({
  message: z.string(),
  details: z.array(z.object({ message: z.string().optional(), property: z.string().optional() })).optional(),
});

function describeLineError(response: OutboundResponse): string | undefined {
  let parsed: z.infer<typeof lineErrorSchema>;
  try {
    const body = lineErrorSchema.safeParse(JSON.parse(response.body.toString("utf8")));
    if (!body.success) return undefined;
    parsed = body.data;
  } catch {
    return undefined;
  }
  const details = (parsed.details ?? [])
    .map((detail) => [detail.property, detail.message].filter(Boolean).join(": "))
    .filter(Boolean);
  return (details.length ? `${parsed.message} (${details.join("; ")})` : parsed.message).slice(0, 1_000);
}

/**
 * LINE wants a UUID as `X-Line-Retry-Key`; ours is the idempotency key hashed into a name-based UUID
 * (version 5 layout), so every try of one step sends the same one and LINE delivers the message once.
 */
export function lineRetryKey(idempotencyKey: string): string {
  const bytes = createHash("sha1")
    .update(`conflux-line-retry-key:${idempotencyKey}`)
    .digest()
    .subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Pushes a text message to a user, group or room through the LINE Messaging API. */
export const lineNotificationAction: ActionDefinition<"line-notification"> = {
  type: "line-notification",
  async run(config, context) {
    const secret = await context.openCredential(config.credentialsId);
    if (!secret.token)
      throw new ActionError(
        "credentials_type",
        `credentials '${config.credentialsId}' hold no token (store the channel access token as an api-token)`,
      );
    const to = renderText(config.to, context.scope).trim();
    const text = renderText(config.text, context.scope);
    if (!to) throw new ActionError("line_recipient_missing", "the recipient ('to') is empty");
    // LINE refuses a text message that is empty or longer than 5,000 characters.
    if (!text || text.length > 5_000)
      throw new ActionError(
        "line_text_length",
        `the text is ${text.length} characters; LINE takes 1 to 5,000`,
      );
    const response = await context.outbound.send({
      method: "POST",
      url: new URL("/v2/bot/message/push", context.lineApiUrl).toString(),
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${secret.token}`,
        "x-line-retry-key": lineRetryKey(context.idempotencyKey),
      },
      body: JSON.stringify({ to, messages: [{ type: "text", text }] }),
      timeoutMs: 10_000,
      maxResponseBytes: 8_192,
    });
    // 409 with the id of the accepted request: an earlier try of this step got through, its answer was lost.
    if (response.status === 409 && response.headers["x-line-accepted-request-id"])
      return { result: { status: response.status } };
    failOnErrorStatus(response, "LINE", describeLineError(response));
    return { result: { status: response.status } };
  },
};
