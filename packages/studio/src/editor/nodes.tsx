import { Handle, type NodeProps, Position } from "@xyflow/react";
import type { ReactNode } from "react";
import {
  type ActionNodeData,
  type ChannelNodeData,
  type EditorNode,
  type SourceNodeData,
  summarizeSource,
} from "./graph.ts";
import { NodeIcon, type NodeKind } from "./node-icons.tsx";
import { titleOf } from "./palette-catalog.ts";
import { statusLabels } from "./run-overlay.ts";

// Every text on a node is 15 px or more, so at the first view's readable zoom (view.ts) it is at
// least 12 px on screen. Handle labels sit outside the box, where they cannot cover its text.

function ProblemBadge({ count }: { count: number }) {
  if (!count) return null;
  return (
    <span className="cfx-node__problems" title="Problems: see the side panel">
      {count} {count === 1 ? "problem" : "problems"}
    </span>
  );
}

/** The common shape: a coloured icon tile for the kind and type, then the text. */
function NodeFrame({
  kind,
  type,
  classes,
  children,
}: {
  kind: NodeKind;
  type?: string;
  classes: (string | false | undefined)[];
  children: ReactNode;
}) {
  return (
    <div className={["cfx-node", `cfx-node--${kind}`, ...classes].filter(Boolean).join(" ")}>
      <span className={`cfx-node__icon cfx-node__icon--${kind}`}>
        <NodeIcon kind={kind} {...(type ? { type } : {})} size={20} />
      </span>
      <span className="cfx-node__body">{children}</span>
    </div>
  );
}

function SourceNode({ data, selected }: NodeProps<EditorNode & { data: SourceNodeData }>) {
  const { source } = data;
  const summary = summarizeSource(source);
  return (
    <NodeFrame
      kind="source"
      type={source.type}
      classes={[selected && "is-selected", !source.enabled && "is-off"]}
    >
      <span className="cfx-node__name">{titleOf("source", source.type)}</span>
      <span className="cfx-node__detail" title={summary}>
        {source.enabled ? summary : "disabled"}
      </span>
      <ProblemBadge count={data.problems} />
      <Handle type="source" position={Position.Right} id="out" title="Drag to a channel" />
    </NodeFrame>
  );
}

function ChannelNode({ data, selected }: NodeProps<EditorNode & { data: ChannelNodeData }>) {
  const { channel } = data;
  return (
    <NodeFrame kind="channel" classes={[selected && "is-selected", data.visited && "is-visited"]}>
      <Handle type="target" position={Position.Left} id="in" title="Event source or action output" />
      <span className="cfx-node__name">{channel.name || channel.channelId}</span>
      <span className="cfx-node__detail">
        channel <span className="cfx-mono">{channel.channelId}</span>
      </span>
      <ProblemBadge count={data.problems} />
      <Handle type="source" position={Position.Right} id="out" title="Drag to an action" />
    </NodeFrame>
  );
}

function ActionNode({ data, selected }: NodeProps<EditorNode & { data: ActionNodeData }>) {
  const { action, run } = data;
  const condition = action.condition.trim();
  return (
    <NodeFrame
      kind="action"
      type={action.type}
      classes={[selected && "is-selected", !action.enabled && "is-off", run && `cfx-node--run-${run.status}`]}
    >
      <Handle type="target" position={Position.Left} id="input" title="Input channel" />
      <span className="cfx-node__name">{action.name || action.actionId}</span>
      <span className="cfx-node__detail">
        {titleOf("action", action.type)}
        {action.enabled ? "" : " · disabled"}
      </span>
      <span
        className={`cfx-node__condition${condition ? " cfx-mono" : ""}`}
        title={condition ? `Runs if ${condition}` : "Runs on every message"}
      >
        {condition ? `if ${data.conditionSummary}` : "always"}
      </span>
      {run || data.problems ? (
        <span className="cfx-node__badges">
          {run ? (
            <span className={`cfx-badge cfx-badge--${run.status}`}>
              {statusLabels[run.status]}
              {run.steps.length > 1 ? ` ×${run.steps.length}` : ""}
            </span>
          ) : null}
          <ProblemBadge count={data.problems} />
        </span>
      ) : null}
      <Handle
        type="source"
        position={Position.Right}
        id="output"
        className="cfx-handle-output"
        title="Output: drag to a channel or an action"
      />
      <Handle
        type="source"
        position={Position.Bottom}
        id="errorOutput"
        className="cfx-handle-error"
        title="Error output: drag to a channel or an action"
      />
      <span className="cfx-node__handle-label cfx-node__handle-label--error" aria-hidden="true">
        error
      </span>
    </NodeFrame>
  );
}

export const nodeTypes = { source: SourceNode, channel: ChannelNode, action: ActionNode };
