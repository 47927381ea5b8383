import type { JsonValue } from "./expression/index.ts";

/** How a message came into a channel; the shape depends on the event source (shared/spec/apps.md). */
export type MessageContext = { eventType: string } & { [key: string]: JsonValue };

/** A message entering a channel: the data and how it came. */
export interface ChannelMessage {
  payload: JsonValue;
  context: MessageContext;
}

/** Bytes allowed in one message between channels (configurable on the server). */
export const defaultMaxMessageBytes = 32_768;

/** Levels of arrays and objects allowed in a message or an imported app (configurable on the server). */
export const defaultMaxJsonDepth = 64;

/** Hops one run may take through output channels before it stops with an error. */
export const maxHops = 64;
