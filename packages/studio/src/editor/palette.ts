// Adding a node from the palette: what it connects to (the selected node, as Node-RED wires a new
// node after the selected one, or the connection it was dropped on) and where it appears (beside
// that node, where it was dropped, or in the connection's place with what follows moved right).
import {
  type ActionType,
  type AppDefinition,
  type EventSourceType,
  isRunnableActionType,
} from "@conflux/core";
import {
  addAction,
  addChannel,
  addEventSource,
  connect,
  nodeIdOf,
  parseNodeId,
  reconnectEdge,
} from "./app-edits.ts";
import { graphEdges, positionsOf } from "./graph.ts";
import { columnGap, freeSpot, type Position, writeLayout } from "./layout.ts";

export type PaletteItem =
  | { kind: "source"; type: EventSourceType }
  | { kind: "channel" }
  | { kind: "action"; type: ActionType };

/** The drag-and-drop type of a palette item dragged onto the canvas (its JSON). */
export const paletteDragType = "application/x-conflux-palette";
/**
 * Set besides it when the item is an action: while dragging, the canvas sees only the types, not the
 * data, and this says whether hovering a connection means "insert here".
 */
export const paletteActionDragType = "application/x-conflux-palette-action";

export interface Placement {
  /** The selected node id, if any: the new node connects to it where that means something. */
  selected: string | null;
  /** Where the node was dropped on the canvas, in canvas coordinates. */
  at?: Position;
  /** The connection (graph.ts edge id) it was dropped on or inserted at: an action goes between its ends. */
  edgeId?: string;
}

/** What a connection stands for, when a step can be put on it; a source's edge cannot take one. */
function insertableEdge(
  app: AppDefinition,
  edgeId: string,
): { field: "input" | "output" | "errorOutput"; actionId: string; channelId: string } | undefined {
  const separator = edgeId.indexOf(":");
  const field = edgeId.slice(0, separator);
  const action = app.actions.find((candidate) => candidate.actionId === edgeId.slice(separator + 1));
  if (!action || (field !== "input" && field !== "output" && field !== "errorOutput")) return undefined;
  const channelId = field === "input" ? action.channelId : action[field].channelId;
  if (!channelId || !app.channels.some((channel) => channel.channelId === channelId)) return undefined;
  return { field, actionId: action.actionId, channelId };
}

/** Whether an item can be put on that connection: a runnable action on a channel's input or an action's output. */
export function fitsOnEdge(app: AppDefinition, edgeId: string, item: PaletteItem): boolean {
  return item.kind === "action" && isRunnableActionType(item.type) && !!insertableEdge(app, edgeId);
}

/**
 * Puts a new action on a connection. The model has channels between actions, so the action comes with
 * one: channel → action becomes channel → new → channel → action, and action → channel becomes
 * action → channel → new → channel (an output that was off stays off). The connection's far end and
 * everything after it move two columns right to make room, as n8n does.
 */
export function insertOnEdge(
  app: AppDefinition,
  type: ActionType,
  edgeId: string,
): { app: AppDefinition; nodeId: string } | undefined {
  const edge = insertableEdge(app, edgeId);
  if (!edge) return undefined;
  const actionNode = nodeIdOf({ kind: "action", id: edge.actionId });
  const channelNode = nodeIdOf({ kind: "channel", id: edge.channelId });
  const action = app.actions.find((candidate) => candidate.actionId === edge.actionId);
  let next: AppDefinition | undefined;
  let nodeId: string;
  let placed: [string, string];
  let from: string;
  let to: string;
  if (edge.field === "input") {
    const added = addAction(app, type, edge.channelId);
    nodeId = nodeIdOf({ kind: "action", id: added.actionId });
    const name = added.app.actions.at(-1)?.name ?? added.actionId;
    const between = addChannel(added.app, { name: `${name} output` });
    const betweenNode = nodeIdOf({ kind: "channel", id: between.channelId });
    next = connect(between.app, { source: nodeId, sourceHandle: "output", target: betweenNode });
    next = next && connect(next, { source: betweenNode, target: actionNode });
    placed = [nodeId, betweenNode];
    [from, to] = [channelNode, actionNode];
  } else {
    const suffix = edge.field === "output" ? "output" : "errors";
    const between = addChannel(app, { name: `${action?.name || edge.actionId} ${suffix}` });
    const betweenNode = nodeIdOf({ kind: "channel", id: between.channelId });
    next = reconnectEdge(between.app, edgeId, {
      source: actionNode,
      sourceHandle: edge.field,
      target: betweenNode,
    });
    const added = next && addAction(next, type, between.channelId);
    nodeId = nodeIdOf({ kind: "action", id: added?.actionId ?? "" });
    next = added && connect(added.app, { source: nodeId, sourceHandle: "output", target: channelNode });
    placed = [betweenNode, nodeId];
    [from, to] = [actionNode, channelNode];
  }
  if (!next) return undefined;

  const positions = positionsOf(app);
  const start = positions[to] ?? { x: columnGap, y: 0 };
  for (const id of downstreamOf(app, to, from)) {
    const position = positions[id];
    if (position) positions[id] = { x: position.x + 2 * columnGap, y: position.y };
  }
  positions[placed[0]] = freeSpot(positions, start);
  positions[placed[1]] = freeSpot(positions, { x: start.x + columnGap, y: start.y });
  return { app: writeLayout(next, positions), nodeId };
}

/** The node and every node after it, with the event sources of the channels among them, never `stop`. */
function downstreamOf(app: AppDefinition, start: string, stop: string): Set<string> {
  const edges = graphEdges(app);
  const found = new Set<string>([start]);
  for (const id of found)
    for (const edge of edges)
      if (edge.source === id && edge.target !== stop && !found.has(edge.target)) found.add(edge.target);
  for (const id of [...found]) {
    const ref = parseNodeId(id);
    if (ref?.kind === "channel" && app.channels.find((c) => c.channelId === ref.id)?.eventSource)
      found.add(nodeIdOf({ kind: "source", id: ref.id }));
  }
  return found;
}

/** The channel a new action listens on, adding one after a selected action that has no output yet. */
function channelForAction(
  app: AppDefinition,
  selected: string | null,
): { app: AppDefinition; channelId?: string } {
  const ref = selected ? parseNodeId(selected) : undefined;
  if (ref?.kind === "channel" || ref?.kind === "source") return { app, channelId: ref.id };
  if (ref?.kind === "action") {
    const action = app.actions.find((candidate) => candidate.actionId === ref.id);
    const output = action?.output.channelId;
    if (output && app.channels.some((channel) => channel.channelId === output))
      return { app, channelId: output };
    if (action) {
      const added = addChannel(app, { name: `${action.name || action.actionId} output` });
      const wired = connect(added.app, {
        source: selected as string,
        sourceHandle: "output",
        target: nodeIdOf({ kind: "channel", id: added.channelId }),
      });
      return { app: wired ?? added.app, channelId: added.channelId };
    }
  }
  const first = app.channels[0];
  return first ? { app, channelId: first.channelId } : { app };
}

/** Adds the item, stores the positions of all nodes (so the automatic layout does not move them later). */
export function addFromPalette(
  app: AppDefinition,
  item: PaletteItem,
  { selected, at, edgeId }: Placement,
): { app: AppDefinition; nodeId: string } {
  const inserted = edgeId && item.kind === "action" ? insertOnEdge(app, item.type, edgeId) : undefined;
  if (inserted) return inserted;
  const positions = positionsOf(app);
  const place = (nodeId: string, preferred: Position) => {
    positions[nodeId] = at && !positions[nodeId] ? at : freeSpot(positions, preferred);
  };
  const beside = (nodeId: string, columns: number): Position => {
    const anchor = positions[nodeId];
    return anchor ? { x: anchor.x + columns * columnGap, y: anchor.y } : { x: columnGap, y: 0 };
  };

  let next: AppDefinition;
  let nodeId: string;
  if (item.kind === "source") {
    const ref = selected ? parseNodeId(selected) : undefined;
    const added = addEventSource(app, item.type, ref?.kind === "channel" ? ref.id : undefined);
    next = added.app;
    const channelNode = nodeIdOf({ kind: "channel", id: added.channelId });
    nodeId = nodeIdOf({ kind: "source", id: added.channelId });
    if (positions[channelNode]) place(nodeId, beside(channelNode, -1));
    else {
      place(nodeId, { x: 0, y: 0 });
      positions[channelNode] = freeSpot(positions, beside(nodeId, 1));
    }
  } else if (item.kind === "channel") {
    const added = addChannel(app);
    next = added.app;
    nodeId = nodeIdOf({ kind: "channel", id: added.channelId });
    place(nodeId, selected ? beside(selected, 1) : { x: columnGap, y: 0 });
  } else {
    const input = channelForAction(app, selected);
    let channelId = input.channelId;
    next = input.app;
    if (!channelId) {
      const added = addChannel(next);
      next = added.app;
      channelId = added.channelId;
    }
    const channelNode = nodeIdOf({ kind: "channel", id: channelId });
    if (!positions[channelNode])
      positions[channelNode] = freeSpot(positions, selected ? beside(selected, 1) : { x: columnGap, y: 0 });
    const added = addAction(next, item.type, channelId);
    next = added.app;
    nodeId = nodeIdOf({ kind: "action", id: added.actionId });
    place(nodeId, beside(channelNode, 1));
  }
  return { app: writeLayout(next, positions), nodeId };
}
