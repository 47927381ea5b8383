import { parseActionConfig, type RunnableActionType } from "@conflux/core";
import type { ActionContext, ActionDefinition, ActionResult } from "./action.ts";
import { aiAction } from "./ai.ts";
import { apiAction, soracomApiAction } from "./api-call.ts";
import { boundingBoxAction } from "./bounding-box.ts";
import { codeAction } from "./code.ts";
import { collectAction } from "./collect.ts";
import { dataStoreAction } from "./data-store.ts";
import { deviceCommandAction } from "./device-command.ts";
import { emailAction, emailNotificationAction } from "./email.ts";
import { fileWriteAction } from "./file-write.ts";
import { lineNotificationAction } from "./line-notification.ts";
import { objectDetectionAction } from "./object-detection.ts";
import { republishAction } from "./republish.ts";
import { slackAction, slackNotificationAction } from "./slack.ts";
import { webhookAction } from "./webhook.ts";

/** The one place that knows every action type the runtime can run. */
export const actionRegistry: { readonly [T in RunnableActionType]: ActionDefinition<T> } = {
  republish: republishAction,
  webhook: webhookAction,
  slack: slackAction,
  "slack-notification": slackNotificationAction,
  email: emailAction,
  "email-notification": emailNotificationAction,
  code: codeAction,
  ai: aiAction,
  "object-detection": objectDetectionAction,
  "bounding-box": boundingBoxAction,
  "data-store": dataStoreAction,
  "device-command": deviceCommandAction,
  "line-notification": lineNotificationAction,
  collect: collectAction,
  "file-write": fileWriteAction,
  api: apiAction,
  "soracom-api": soracomApiAction,
};

/**
 * Saved configs with their defaults filled in, by the saved object: apps are cached and immutable
 * per version, so a busy action is parsed once, not at every message.
 */
const parsedConfigs = new WeakMap<object, unknown>();

function runnableConfig(type: RunnableActionType, config: unknown): unknown {
  if (typeof config !== "object" || config === null) return parseActionConfig(type, config);
  const cached = parsedConfigs.get(config);
  if (cached) return cached;
  const parsed = parseActionConfig(type, config);
  parsedConfigs.set(config, parsed);
  return parsed;
}

/** Runs an action on a config checked by its type's schema (the app model's, or a route's). */
export function runActionOfType(
  type: RunnableActionType,
  config: unknown,
  context: ActionContext,
): Promise<ActionResult> {
  // TypeScript cannot tie a config of the union to its own type's definition: the schemas have.
  const definition = actionRegistry[type] as ActionDefinition as {
    run(config: unknown, context: ActionContext): Promise<ActionResult>;
  };
  return definition.run(runnableConfig(type, config), context);
}
