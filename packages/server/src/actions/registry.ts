import type { RunnableActionType } from "@conflux/core";
import type { ActionContext, ActionDefinition, ActionResult } from "./action.ts";
import { aiAction } from "./ai.ts";
import { boundingBoxAction } from "./bounding-box.ts";
import { codeAction } from "./code.ts";
import { collectAction } from "./collect.ts";
import { dataStoreAction } from "./data-store.ts";
import { deviceCommandAction } from "./device-command.ts";
import { emailAction } from "./email.ts";
import { fileWriteAction } from "./file-write.ts";
import { lineNotificationAction } from "./line-notification.ts";
import { objectDetectionAction } from "./object-detection.ts";
import { republishAction } from "./republish.ts";
import { slackAction } from "./slack.ts";
import { webhookAction } from "./webhook.ts";

/** The one place that knows every action type the runtime can run. */
export const actionRegistry: { readonly [T in RunnableActionType]: ActionDefinition<T> } = {
  republish: republishAction,
  webhook: webhookAction,
  slack: slackAction,
  email: emailAction,
  code: codeAction,
  ai: aiAction,
  "object-detection": objectDetectionAction,
  "bounding-box": boundingBoxAction,
  "data-store": dataStoreAction,
  "device-command": deviceCommandAction,
  "line-notification": lineNotificationAction,
  collect: collectAction,
  "file-write": fileWriteAction,
};

/** Runs an action on a config already parsed by its type's schema (by the app model, or by a route). */
export function runActionOfType(
  type: RunnableActionType,
  config: unknown,
  context: ActionContext,
): Promise<ActionResult> {
  // TypeScript cannot tie a config of the union to its own type's definition: the schemas have.
  const definition = actionRegistry[type] as ActionDefinition as {
    run(config: unknown, context: ActionContext): Promise<ActionResult>;
  };
  return definition.run(config, context);
}
