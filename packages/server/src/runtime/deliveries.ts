import type { App, JsonValue, MessageContext } from "@conflux/core";
import type { Delivery } from "../bus/bus.ts";
import { newId } from "../ids.ts";
import { ActionError } from "./actions/action.ts";

export interface MessageDraft {
  operatorId: string;
  executionId: string;
  channelId: string;
  hop: number;
  payload: JsonValue;
  context: MessageContext;
  parentStepId: string | null;
  messageId?: string;
  delaySeconds?: number;
  /** `payload` as JSON text, when the caller has it already (device ingest measured it). */
  payloadText?: string;
}

/**
 * Ingest refuses JSON nested past the configured depth; a value made later (an action's output) is
 * serialised here, and JSON.stringify recurses: too deep a value is the message's fault, not a crash.
 */
function serialise(draft: MessageDraft): string {
  try {
    return JSON.stringify(draft.payload);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new ActionError(
      "message_too_deep",
      `a message to channel '${draft.channelId}' is nested too deeply`,
    );
  }
}

/** A message for a channel of the app, addressed to every action on that channel. */
export function planDelivery(app: App, draft: MessageDraft, maxMessageBytes: number): Delivery {
  // Made once: measured here, stored as is by the bus.
  const payloadText = draft.payloadText ?? serialise(draft);
  const size = Buffer.byteLength(payloadText);
  if (size > maxMessageBytes)
    throw new ActionError(
      "message_too_large",
      `a message to channel '${draft.channelId}' is ${size} bytes; the limit is ${maxMessageBytes}`,
    );
  return {
    message: {
      messageId: draft.messageId ?? newId(),
      executionId: draft.executionId,
      operatorId: draft.operatorId,
      appId: app.appId,
      channelId: draft.channelId,
      hop: draft.hop,
      payload: draft.payload,
      context: draft.context,
      parentStepId: draft.parentStepId,
    },
    actionIds: app.actions
      .filter((action) => action.channelId === draft.channelId)
      .map((action) => action.actionId),
    availableAt: Date.now() + (draft.delaySeconds ?? 0) * 1000,
    payloadText,
  };
}
