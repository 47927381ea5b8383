// The canvas graph, derived from the app on every change: nodes for event sources, channels and
// actions; edges for the fields that connect them. Edge ids name the field (`input:<actionId>`,
// `output:<actionId>`, `errorOutput:<actionId>`, `source:<channelId>`) so removing an edge knows what to change.
import type { Action, AppDefinition, Channel, EventSource } from "@conflux/core";
import type { Edge, Node } from "@xyflow/react";
import { nodeIdOf } from "./app-edits.ts";
import { layoutTag, type Position, placeNodes, readLayout, writeLayout } from "./layout.ts";
import type { ActionRunState } from "./run-overlay.ts";

export type SourceNodeData = { kind: "source"; channelId: string; source: EventSource; problems: number };
export type ChannelNodeData = { kind: "channel"; channel: Channel; problems: number; visited: boolean };
export type ActionNodeData = {
  kind: "action";
  action: Action;
  conditionSummary: string;
  problems: number;
  run?: ActionRunState;
};
type EditorNodeData = SourceNodeData | ChannelNodeData | ActionNodeData;
export type EditorNode = Node<EditorNodeData, EditorNodeData["kind"]>;

export interface GraphOptions {
  /** Number of problems per node id, shown as a badge. */
  problemCounts?: ReadonlyMap<string, number>;
  /** Per action id, when a run is shown. */
  runStates?: ReadonlyMap<string, ActionRunState>;
  visitedChannels?: ReadonlySet<string>;
}

const summaryLength = 40;

/** The condition as the node shows it: "always" when empty, cut to one short line otherwise. */
export function summarizeCondition(condition: string): string {
  const oneLine = condition.trim().replace(/\s+/g, " ");
  if (!oneLine) return "always";
  return oneLine.length > summaryLength ? `${oneLine.slice(0, summaryLength - 1)}…` : oneLine;
}

/** What an event source is set to, in a few words: "every 5 min", "0 9 * * 1-5 Asia/Tokyo". */
export function summarizeSource(source: EventSource): string {
  const config = source.config as Record<string, unknown>;
  switch (source.type) {
    case "interval-timer":
      return `every ${String(config.intervalMinutes ?? "?")} min`;
    case "scheduled-timer":
      return `${String(config.cron ?? "")} ${String(config.timezone ?? "UTC")}`.trim();
    case "file":
      return `files in ${String(config.pathPrefix ?? "/")}`;
    case "device":
      return config.groupId ? `group ${String(config.groupId)}` : "your devices";
    case "api":
      return "posted to the app's API";
  }
}

/** Node ids and the edges between them, before positions: what the layout needs. */
export function graphEdges(app: AppDefinition): Edge[] {
  const channelIds = new Set(app.channels.map((channel) => channel.channelId));
  const edges: Edge[] = [];
  for (const channel of app.channels)
    if (channel.eventSource)
      edges.push({
        id: `source:${channel.channelId}`,
        source: nodeIdOf({ kind: "source", id: channel.channelId }),
        target: nodeIdOf({ kind: "channel", id: channel.channelId }),
        deletable: false,
        className: "cfx-edge-source",
      });
  for (const action of app.actions) {
    const actionNode = nodeIdOf({ kind: "action", id: action.actionId });
    if (channelIds.has(action.channelId))
      edges.push({
        id: `input:${action.actionId}`,
        source: nodeIdOf({ kind: "channel", id: action.channelId }),
        target: actionNode,
        targetHandle: "input",
        deletable: false,
        type: "flow",
        className: "cfx-edge-input",
      });
    for (const field of ["output", "errorOutput"] as const) {
      const output = action[field];
      if (!output.channelId || !channelIds.has(output.channelId)) continue;
      const label = field === "output" ? "output" : "error";
      edges.push({
        id: `${field}:${action.actionId}`,
        source: actionNode,
        sourceHandle: field,
        target: nodeIdOf({ kind: "channel", id: output.channelId }),
        label: output.enabled ? label : `${label} (off)`,
        type: "flow",
        className: `cfx-edge-${field}${output.enabled ? "" : " cfx-edge-off"}`,
      });
    }
  }
  return edges;
}

function graphNodeIds(app: AppDefinition): string[] {
  const ids: string[] = [];
  for (const channel of app.channels) {
    if (channel.eventSource) ids.push(nodeIdOf({ kind: "source", id: channel.channelId }));
    ids.push(nodeIdOf({ kind: "channel", id: channel.channelId }));
  }
  for (const action of app.actions) ids.push(nodeIdOf({ kind: "action", id: action.actionId }));
  return ids;
}

/** Where every node is: stored positions, or the automatic layout. */
export function positionsOf(app: AppDefinition): Record<string, Position> {
  return placeNodes(readLayout(app), graphNodeIds(app), graphEdges(app));
}

export function buildGraph(
  app: AppDefinition,
  options: GraphOptions = {},
): { nodes: EditorNode[]; edges: Edge[] } {
  const edges = graphEdges(app);
  const positions = placeNodes(readLayout(app), graphNodeIds(app), edges);
  const problems = (id: string) => options.problemCounts?.get(id) ?? 0;
  const nodes: EditorNode[] = [];
  const at = (id: string) => positions[id] ?? { x: 0, y: 0 };
  for (const channel of app.channels) {
    if (channel.eventSource) {
      const id = nodeIdOf({ kind: "source", id: channel.channelId });
      nodes.push({
        id,
        type: "source",
        position: at(id),
        data: {
          kind: "source",
          channelId: channel.channelId,
          source: channel.eventSource,
          problems: problems(id),
        },
        ariaLabel: `Event source ${channel.eventSource.type} of channel ${channel.name || channel.channelId}`,
      });
    }
    const id = nodeIdOf({ kind: "channel", id: channel.channelId });
    nodes.push({
      id,
      type: "channel",
      position: at(id),
      data: {
        kind: "channel",
        channel,
        problems: problems(id),
        visited: options.visitedChannels?.has(channel.channelId) ?? false,
      },
      ariaLabel: `Channel ${channel.name || channel.channelId}`,
    });
  }
  for (const action of app.actions) {
    const id = nodeIdOf({ kind: "action", id: action.actionId });
    const run = options.runStates?.get(action.actionId);
    nodes.push({
      id,
      type: "action",
      position: at(id),
      data: {
        kind: "action",
        action,
        conditionSummary: summarizeCondition(action.condition),
        problems: problems(id),
        ...(run ? { run } : {}),
      },
      // The raw status, not its label: "skipped (condition false)" would make the node match getByLabel("Condition").
      ariaLabel: `Action ${action.name || action.actionId} (${action.type})${run ? `, ${run.status}` : ""}`,
    });
  }
  // The path the run took moves: inputs of actions it reached, outputs of those that completed, error
  // outputs of those that failed.
  if (options.runStates)
    for (const edge of edges) {
      const [field, actionId] = edge.id.split(":");
      const steps = (actionId && options.runStates.get(actionId)?.steps) || [];
      const took =
        field === "input"
          ? steps.length > 0
          : field === "output"
            ? steps.some((step) => step.status === "completed")
            : field === "errorOutput" && steps.some((step) => step.status === "failed");
      if (took) edge.animated = true;
    }
  return { nodes, edges };
}

/**
 * Runs a change that adds, removes or rewires nodes so that the others stay where they are: an app
 * still on the automatic layout gets its current positions stored first, else removing one node
 * would reflow the whole canvas under the pointer.
 */
export function keepingPositions(change: (app: AppDefinition) => AppDefinition) {
  return (app: AppDefinition): AppDefinition => {
    const next = change(app);
    if (next === app || layoutTag in next.tags) return next;
    const before = positionsOf(app);
    const kept = Object.fromEntries(
      graphNodeIds(next).flatMap((id) => (before[id] ? [[id, before[id]]] : [])),
    );
    return writeLayout(next, kept);
  };
}

/** Stores moved nodes' positions (and everyone else's); moving nothing leaves the app as it is. */
export function moveNodes(moved: readonly { id: string; position: Position }[]) {
  return (app: AppDefinition): AppDefinition => {
    const positions = positionsOf(app);
    const changed = moved.filter(({ id, position }) => {
      const old = positions[id];
      return (
        !old || Math.round(old.x) !== Math.round(position.x) || Math.round(old.y) !== Math.round(position.y)
      );
    });
    if (!changed.length) return app;
    for (const { id, position } of changed) positions[id] = position;
    return writeLayout(app, positions);
  };
}
