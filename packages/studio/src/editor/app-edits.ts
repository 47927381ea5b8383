// Every change the editor makes to an app, as pure functions from one AppDefinition to the next.
// The app definition is the editor's only state: the canvas graph is derived from it, so nothing
// the server stores (descriptions, tags, unknown config keys of imported apps) can be lost on the way.
import {
  type Action,
  type ActionType,
  type AppDefinition,
  actionConfigSchemas,
  actionSchema,
  type Channel,
  type EventSource,
  type EventSourceType,
  eventSourceSchema,
  isRunnableActionType,
  plannedActionTypes,
} from "@conflux/core";
import type { z } from "zod";
import { codeStarter } from "./code-starter.ts";
import { defaultValueOf } from "./schema-form.ts";

type NodeKind = "source" | "channel" | "action";
export interface NodeRef {
  kind: NodeKind;
  id: string;
}

/** Canvas node ids: ids in an app never contain ':' so the kind prefix cannot clash. */
export function nodeIdOf(ref: NodeRef): string {
  return `${ref.kind}:${ref.id}`;
}

export function parseNodeId(nodeId: string): NodeRef | undefined {
  const separator = nodeId.indexOf(":");
  const kind = nodeId.slice(0, separator);
  if (kind !== "source" && kind !== "channel" && kind !== "action") return undefined;
  return { kind, id: nodeId.slice(separator + 1) };
}

/** A readable id unique in the app (`webhook-2`), so API paths and exports stay legible. */
function newId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let n = 1; ; n++) if (!used.has(`${prefix}-${n}`)) return `${prefix}-${n}`;
}

export const eventSourceTypes: EventSourceType[] = (
  eventSourceSchema as unknown as { options: { shape: { type: { value: EventSourceType } } }[] }
).options.map((option) => option.shape.type.value);

function eventSourceOption(type: string): z.ZodObject | undefined {
  const options = (eventSourceSchema as unknown as { options: z.ZodObject[] }).options;
  return options.find((option) => (option.shape.type as z.ZodLiteral).value === type);
}

export function eventSourceConfigSchema(type: string): z.ZodType | undefined {
  return eventSourceOption(type)?.shape.config as z.ZodType | undefined;
}

function defaultEventSource(type: EventSourceType): EventSource {
  const config = defaultValueOf(eventSourceConfigSchema(type) as z.ZodType) ?? {};
  return { type, enabled: true, config } as EventSource;
}

/** The config schema of any action type, planned ones included (their loose config), from core's action schema. */
export function actionConfigSchemaOf(type: string): z.ZodType | undefined {
  if (isRunnableActionType(type)) return actionConfigSchemas[type];
  const options = (actionSchema as unknown as { options: z.ZodObject[] }).options;
  const option = options.find((candidate) => (candidate.shape.type as z.ZodType).safeParse(type).success);
  return option?.shape.config as z.ZodType | undefined;
}

/** Every action type the app model accepts: those that run first, then the planned ones. */
export const actionTypes: ActionType[] = [
  ...(Object.keys(actionConfigSchemas) as ActionType[]),
  ...plannedActionTypes,
];

/** A new action's config: its schema's defaults; a `code` action starts with a script that runs. */
function defaultActionConfig(type: ActionType): Record<string, unknown> {
  if (type === "code") return { source: codeStarter };
  return isRunnableActionType(type)
    ? (defaultValueOf(actionConfigSchemas[type]) as Record<string, unknown>)
    : {};
}

export function addChannel(
  app: AppDefinition,
  fields: { name?: string; eventSource?: EventSource } = {},
): { app: AppDefinition; channelId: string } {
  const channelId = newId("channel", [
    ...app.channels.map((channel) => channel.channelId),
    ...app.actions.map((action) => action.actionId),
  ]);
  const channel: Channel = {
    channelId,
    name: fields.name ?? `Channel ${app.channels.length + 1}`,
    description: "",
    tags: {},
    ...(fields.eventSource ? { eventSource: fields.eventSource } : {}),
  };
  return { app: { ...app, channels: [...app.channels, channel] }, channelId };
}

/** Adds an event source to a channel that has none, or a new channel for it. */
export function addEventSource(
  app: AppDefinition,
  type: EventSourceType,
  preferredChannelId?: string,
): { app: AppDefinition; channelId: string } {
  const eventSource = defaultEventSource(type);
  const preferred = app.channels.find((channel) => channel.channelId === preferredChannelId);
  if (preferred && !preferred.eventSource)
    return {
      app: updateChannel(app, preferred.channelId, (channel) => ({ ...channel, eventSource })),
      channelId: preferred.channelId,
    };
  return addChannel(app, { name: `${type} channel`, eventSource });
}

export function addAction(
  app: AppDefinition,
  type: ActionType,
  channelId: string,
): { app: AppDefinition; actionId: string } {
  const actionId = newId(type, [
    ...app.actions.map((action) => action.actionId),
    ...app.channels.map((channel) => channel.channelId),
  ]);
  const action = {
    actionId,
    channelId,
    name: `${type} ${app.actions.filter((existing) => existing.type === type).length + 1}`,
    description: "",
    enabled: true,
    condition: "",
    type,
    config: defaultActionConfig(type),
    output: { enabled: false, splitArray: false, delaySeconds: 0 },
    errorOutput: { enabled: false },
    tags: {},
  } as Action;
  return { app: { ...app, actions: [...app.actions, action] }, actionId };
}

export function updateChannel(
  app: AppDefinition,
  channelId: string,
  change: (channel: Channel) => Channel,
): AppDefinition {
  return {
    ...app,
    channels: app.channels.map((channel) => (channel.channelId === channelId ? change(channel) : channel)),
  };
}

export function updateAction(
  app: AppDefinition,
  actionId: string,
  change: (action: Action) => Action,
): AppDefinition {
  return {
    ...app,
    actions: app.actions.map((action) => (action.actionId === actionId ? change(action) : action)),
  };
}

/** Changing an action's type starts its config over: configs of different types share no fields. */
export function changeActionType(app: AppDefinition, actionId: string, type: ActionType): AppDefinition {
  return updateAction(app, actionId, (action) =>
    action.type === type ? action : ({ ...action, type, config: defaultActionConfig(type) } as Action),
  );
}

export function changeEventSourceType(
  app: AppDefinition,
  channelId: string,
  type: EventSourceType,
): AppDefinition {
  return updateChannel(app, channelId, (channel) =>
    channel.eventSource?.type === type
      ? channel
      : {
          ...channel,
          eventSource: { ...defaultEventSource(type), enabled: channel.eventSource?.enabled ?? true },
        },
  );
}

/**
 * Removes a node. A channel's actions stay (showing "no channel" until reconnected, which undo or a
 * new connection fixes) while outputs into the channel are switched off, since an output may be absent.
 */
export function removeNode(app: AppDefinition, ref: NodeRef): AppDefinition {
  switch (ref.kind) {
    case "source":
      return updateChannel(app, ref.id, ({ eventSource: _removed, ...channel }) => channel);
    case "action":
      return { ...app, actions: app.actions.filter((action) => action.actionId !== ref.id) };
    case "channel":
      return {
        ...app,
        channels: app.channels.filter((channel) => channel.channelId !== ref.id),
        actions: app.actions.map((action) => disconnectOutputsTo(action, ref.id)),
      };
  }
}

function disconnectOutputsTo(action: Action, channelId: string): Action {
  let next = action;
  if (action.output.channelId === channelId) next = { ...next, output: withoutChannel(next.output) };
  if (action.errorOutput.channelId === channelId)
    next = { ...next, errorOutput: withoutChannel(next.errorOutput) };
  return next;
}

function withoutChannel<T extends { enabled: boolean; channelId?: string }>(output: T): T {
  const { channelId: _removed, ...rest } = output;
  return { ...rest, enabled: false } as T;
}

/** Handles on the canvas: where an edge starts on an action says which field it sets. */
type ActionHandle = "output" | "errorOutput";

export interface Connection {
  source: string;
  sourceHandle?: string | null;
  target: string;
}

/** Whether dragging from `source` to `target` means something; the canvas refuses the rest. */
export function canConnect(app: AppDefinition, connection: Connection): boolean {
  return connect(app, connection) !== undefined;
}

/**
 * The field a new edge sets: source → channel moves the event source, channel → action sets
 * action.channelId, an action's output or error handle → channel sets output/errorOutput (enabled).
 * Output → action adds the channel between them, as Node-RED wires two nodes directly.
 */
export function connect(app: AppDefinition, connection: Connection): AppDefinition | undefined {
  const from = parseNodeId(connection.source);
  const to = parseNodeId(connection.target);
  if (!from || !to || connection.source === connection.target) return undefined;
  if (from.kind === "source" && to.kind === "channel") {
    const source = app.channels.find((channel) => channel.channelId === from.id)?.eventSource;
    const target = app.channels.find((channel) => channel.channelId === to.id);
    if (!source || !target || target.eventSource) return undefined;
    const moved = updateChannel(app, from.id, ({ eventSource: _moved, ...channel }) => channel);
    return updateChannel(moved, to.id, (channel) => ({ ...channel, eventSource: source }));
  }
  if (from.kind === "channel" && to.kind === "action")
    return updateAction(app, to.id, (action) => ({ ...action, channelId: from.id }));
  if (from.kind === "action") {
    const handle: ActionHandle = connection.sourceHandle === "errorOutput" ? "errorOutput" : "output";
    if (to.kind === "channel")
      return updateAction(app, from.id, (action) => ({
        ...action,
        [handle]: { ...action[handle], enabled: true, channelId: to.id },
      }));
    if (to.kind === "action") {
      const source = app.actions.find((action) => action.actionId === from.id);
      const { app: withChannel, channelId } = addChannel(app, {
        name: `${source?.name || from.id} ${handle === "output" ? "output" : "errors"}`,
      });
      return connect(
        connect(withChannel, {
          source: connection.source,
          sourceHandle: handle,
          target: `channel:${channelId}`,
        }) ?? withChannel,
        { source: `channel:${channelId}`, target: connection.target },
      );
    }
  }
  return undefined;
}

/** Whether dropping the moved end of edge `edgeId` there means something; the canvas refuses the rest. */
export function canReconnect(app: AppDefinition, edgeId: string, connection: Connection): boolean {
  return reconnectEdge(app, edgeId, connection) !== undefined;
}

/**
 * Moves one end of an existing edge (`edgeId` from graph.ts) as `connection` says, rewriting the field
 * the edge stands for: a source edge moves the event source, an input edge sets action.channelId, an
 * output edge sets output/errorOutput.channelId and keeps whether that output is on. The end that owns
 * the field (the event source, the action) stays put: moving it would leave that field dangling.
 * Undefined when the move means nothing or `connect` refuses it.
 */
export function reconnectEdge(
  app: AppDefinition,
  edgeId: string,
  connection: Connection,
): AppDefinition | undefined {
  const separator = edgeId.indexOf(":");
  const field = edgeId.slice(0, separator);
  const id = edgeId.slice(separator + 1);
  if (field === "source") {
    const to = parseNodeId(connection.target);
    if (connection.source !== nodeIdOf({ kind: "source", id }) || to?.kind !== "channel") return undefined;
    return connect(app, connection);
  }
  const actionNode = nodeIdOf({ kind: "action", id });
  if (field === "input") {
    const current = app.actions.find((action) => action.actionId === id)?.channelId;
    const from = parseNodeId(connection.source);
    if (connection.target !== actionNode || from?.kind !== "channel" || from.id === current) return undefined;
    return connect(app, connection);
  }
  if (field !== "output" && field !== "errorOutput") return undefined;
  const before = app.actions.find((action) => action.actionId === id)?.[field];
  if (
    !before ||
    connection.source !== actionNode ||
    connection.target === nodeIdOf({ kind: "channel", id: before.channelId ?? "" })
  )
    return undefined;
  const next = connect(app, { ...connection, sourceHandle: field });
  return (
    next &&
    updateAction(next, id, (action) => ({
      ...action,
      [field]: { ...action[field], enabled: before.enabled },
    }))
  );
}

/** Edge ids name the field they stand for; removing an output edge switches that output off. */
export function removeEdge(app: AppDefinition, edgeId: string): AppDefinition {
  const [field, actionId] = edgeId.split(":") as [string, string];
  if (field === "output" || field === "errorOutput")
    return updateAction(app, actionId, (action) => ({ ...action, [field]: withoutChannel(action[field]) }));
  return app; // an input edge or a source edge is changed by connecting another, never left dangling
}

/** Immutable set of a nested value; `undefined` removes the key. */
export function setIn<T>(value: T, path: readonly (string | number)[], next: unknown): T {
  const [key, ...rest] = path;
  if (key === undefined) return next as T;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[key as number] = setIn(copy[key as number], rest, next);
    return copy as T;
  }
  const object = { ...((value ?? {}) as Record<string, unknown>) };
  const child = setIn(object[key], rest, next);
  if (child === undefined) delete object[key];
  else object[key] = child;
  return object as T;
}

export function getIn(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
