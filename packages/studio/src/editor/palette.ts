// Adding a node from the palette: what it connects to (the selected node, as Node-RED wires a new
// node after the selected one) and where it appears (beside that node, or where it was dropped).
import type { ActionType, AppDefinition, EventSourceType } from "@conflux/core";
import { addAction, addChannel, addEventSource, connect, nodeIdOf, parseNodeId } from "./app-edits.ts";
import { positionsOf } from "./graph.ts";
import { columnGap, freeSpot, type Position, writeLayout } from "./layout.ts";

export type PaletteItem =
  | { kind: "source"; type: EventSourceType }
  | { kind: "channel" }
  | { kind: "action"; type: ActionType };

export interface Placement {
  /** The selected node id, if any: the new node connects to it where that means something. */
  selected: string | null;
  /** Where the node was dropped on the canvas, in canvas coordinates. */
  at?: Position;
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
  { selected, at }: Placement,
): { app: AppDefinition; nodeId: string } {
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
