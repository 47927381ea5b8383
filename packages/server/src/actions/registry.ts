import type { RunnableActionType } from "@conflux/core";
import type { ActionDefinition } from "./action.ts";
import { aiAction } from "./ai.ts";
import { boundingBoxAction } from "./bounding-box.ts";
import { codeAction } from "./code.ts";
import { dataStoreAction } from "./data-store.ts";
import { deviceCommandAction } from "./device-command.ts";
import { emailAction } from "./email.ts";
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
};
