import { Handle, type NodeProps, Position } from "@xyflow/react";
import type { ActionNodeData, ChannelNodeData, EditorNode, SourceNodeData } from "./graph.ts";
import { statusLabels } from "./run-overlay.ts";

function ProblemBadge({ count }: { count: number }) {
  if (!count) return null;
  return (
    <span className="cfx-node__problems" title="Problems: see the side panel">
      {count} {count === 1 ? "problem" : "problems"}
    </span>
  );
}

function SourceNode({ data, selected }: NodeProps<EditorNode & { data: SourceNodeData }>) {
  return (
    <div
      className={`cfx-node cfx-node--source${selected ? " is-selected" : ""}${data.source.enabled ? "" : " is-off"}`}
    >
      <span className="cfx-node__kind">event source</span>
      <span className="cfx-node__name">{data.source.type}</span>
      {data.source.enabled ? null : <span className="cfx-node__detail">disabled</span>}
      <ProblemBadge count={data.problems} />
      <Handle type="source" position={Position.Right} id="out" title="Drag to a channel" />
    </div>
  );
}

function ChannelNode({ data, selected }: NodeProps<EditorNode & { data: ChannelNodeData }>) {
  return (
    <div
      className={`cfx-node cfx-node--channel${selected ? " is-selected" : ""}${data.visited ? " is-visited" : ""}`}
    >
      <Handle type="target" position={Position.Left} id="in" title="Event source or action output" />
      <span className="cfx-node__kind">channel</span>
      <span className="cfx-node__name">{data.channel.name || data.channel.channelId}</span>
      <span className="cfx-node__detail">{data.channel.channelId}</span>
      <ProblemBadge count={data.problems} />
      <Handle type="source" position={Position.Right} id="out" title="Drag to an action" />
    </div>
  );
}

function ActionNode({ data, selected }: NodeProps<EditorNode & { data: ActionNodeData }>) {
  const { action, run } = data;
  const classes = [
    "cfx-node",
    "cfx-node--action",
    selected && "is-selected",
    !action.enabled && "is-off",
    run && `cfx-node--run-${run.status}`,
  ];
  return (
    <div className={classes.filter(Boolean).join(" ")}>
      <Handle type="target" position={Position.Left} id="input" title="Input channel" />
      <span className="cfx-node__kind">
        action · {action.type}
        {action.enabled ? "" : " · disabled"}
      </span>
      <span className="cfx-node__name">{action.name || action.actionId}</span>
      <span className="cfx-node__detail cfx-mono" title={action.condition || "always"}>
        {action.condition.trim() ? `if ${data.conditionSummary}` : "always"}
      </span>
      {run ? (
        <span className={`cfx-badge cfx-badge--${run.status}`}>
          {statusLabels[run.status]}
          {run.steps.length > 1 ? ` ×${run.steps.length}` : ""}
        </span>
      ) : null}
      <ProblemBadge count={data.problems} />
      <Handle
        type="source"
        position={Position.Right}
        id="output"
        className="cfx-handle-output"
        title="Output: drag to a channel or an action"
      />
      <span className="cfx-node__handle-label cfx-node__handle-label--output">out</span>
      <Handle
        type="source"
        position={Position.Bottom}
        id="errorOutput"
        className="cfx-handle-error"
        title="Error output: drag to a channel or an action"
      />
      <span className="cfx-node__handle-label cfx-node__handle-label--error">error</span>
    </div>
  );
}

export const nodeTypes = { source: SourceNode, channel: ChannelNode, action: ActionNode };
