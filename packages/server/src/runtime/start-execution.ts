import type { App, JsonValue, MessageContext } from "@conflux/core";
import type { Bus, WriteWithExecution } from "../bus/bus.ts";
import type { PendingRow } from "../bus/rows-insert.ts";
import { UserError } from "../errors.ts";
import { newId } from "../ids.ts";
import { ActionError } from "./actions/action.ts";
import { planDelivery } from "./deliveries.ts";

export interface ExecutionRequest {
  operatorId: string;
  app: App;
  channelId: string;
  payload: JsonValue;
  /** `payload` as JSON text, when the source made it already (it is not made again). */
  payloadText?: string;
  context: MessageContext;
  dedupeKey?: string;
  replayOf?: string;
  /** The caller's writes that must commit with the execution, or not at all (bus.ts). */
  alsoWrite?: WriteWithExecution;
  /** Rows that commit with the execution, or not at all: the request's audit row. */
  alongRows?: readonly PendingRow[];
  /** Hops taken before this execution: a run an action's side effect (a stored file) starts continues the count. */
  hop?: number;
}

/** Every event source enters here: the message is durable when this resolves. */
export async function startExecution(
  bus: Bus,
  request: ExecutionRequest,
  maxMessageBytes: number,
): Promise<{ executionId: string; duplicate: boolean }> {
  const { app, channelId } = request;
  if (!app.channels.some((channel) => channel.channelId === channelId))
    throw new UserError("not_found", `app ${app.appId} has no channel '${channelId}'`);
  const executionId = newId();
  let delivery: ReturnType<typeof planDelivery>;
  try {
    delivery = planDelivery(
      app,
      {
        operatorId: request.operatorId,
        executionId,
        messageId: executionId,
        channelId,
        hop: request.hop ?? 0,
        payload: request.payload,
        payloadText: request.payloadText,
        context: request.context,
        parentStepId: null,
      },
      maxMessageBytes,
    );
  } catch (error) {
    if (error instanceof ActionError)
      throw new UserError(
        error.code === "message_too_deep" ? "bad_request" : "payload_too_large",
        error.message,
      );
    throw error;
  }
  return bus.startExecution(
    {
      executionId,
      operatorId: request.operatorId,
      appId: app.appId,
      channelId,
      eventType: request.context.eventType,
      dedupeKey: request.dedupeKey ?? null,
      replayOf: request.replayOf ?? null,
      appVersion: app.version ?? null,
    },
    delivery,
    request.alsoWrite,
    request.alongRows,
  );
}
