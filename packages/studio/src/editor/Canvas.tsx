import "@xyflow/react/dist/style.css";
import type { AppDefinition } from "@conflux/core";
import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  MiniMap,
  type NodeChange,
  ReactFlow,
  useReactFlow,
} from "@xyflow/react";
import { type DragEvent, useEffect, useRef, useState } from "react";
import {
  canConnect,
  canReconnect,
  connect,
  parseNodeId,
  reconnectEdge,
  removeEdge,
  removeNode,
} from "./app-edits.ts";
import type { EditorNode } from "./graph.ts";
import type { Position } from "./layout.ts";
import { nodeTypes } from "./nodes.tsx";
import type { PaletteItem } from "./palette.ts";

/**
 * The first view shows the whole app: a chain of five nodes needs about 0.45 at 1280 px wide beside
 * the side panel, so the floor is below that (a floor of 0.55 cut off the first and last node).
 */
const fitOptions = { padding: 0.08, maxZoom: 1, minZoom: 0.3 };

/** The drag-and-drop type of a palette item dragged onto the canvas. */
export const paletteDragType = "application/x-conflux-palette";

export interface CanvasProps {
  app: AppDefinition;
  nodes: EditorNode[];
  edges: Edge[];
  selected: string | null;
  readOnly: boolean;
  onSelect(nodeId: string | null): void;
  onEdit(change: (app: AppDefinition) => AppDefinition): void;
  onMove(moved: { id: string; position: Position }[]): void;
  onDrop(item: PaletteItem, at: Position): void;
  /** A node just added: the view pans to it, so a node added by keyboard is never off screen. */
  reveal?: { nodeId: string; nonce: number };
}

/**
 * React Flow over the derived graph. React Flow keeps measured sizes and drag positions in its node
 * objects, so the canvas holds a local copy refreshed from the app; edits go to the editor store
 * when a gesture ends (drop, connect, delete), which makes each gesture one undo step.
 */
export function Canvas(props: CanvasProps) {
  const { screenToFlowPosition, fitView, getZoom } = useReactFlow();
  const [nodes, setNodes] = useState<EditorNode[]>(props.nodes);
  const [edges, setEdges] = useState<Edge[]>(props.edges);

  useEffect(() => {
    setNodes((previous) => {
      const byId = new Map(previous.map((node) => [node.id, node]));
      return props.nodes.map((node) => {
        const old = byId.get(node.id);
        return {
          ...node,
          selected: node.id === props.selected,
          ...(old?.measured ? { measured: old.measured } : {}),
        };
      });
    });
  }, [props.nodes, props.selected]);

  useEffect(() => {
    setEdges((previous) => {
      const selected = new Set(previous.filter((edge) => edge.selected).map((edge) => edge.id));
      return props.edges.map((edge) => ({ ...edge, selected: selected.has(edge.id) }));
    });
  }, [props.edges]);

  // A reveal waits until React Flow has measured the new node (fitting before that misses it), then
  // happens once: this is the nonce of the last one done.
  const revealed = useRef<number | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the nodes are measured, with the edges of that moment
  useEffect(() => {
    const reveal = props.reveal;
    if (!reveal || revealed.current === reveal.nonce) return;
    if (!nodes.find((node) => node.id === reveal.nodeId)?.measured) return;
    revealed.current = reveal.nonce;
    // The new node with what it is wired to, so it appears in its context rather than centred alone
    // (which pushed its channel off the edge); never zoomed in beyond where the person was.
    const near = new Set([reveal.nodeId]);
    for (const edge of props.edges) {
      if (edge.source === reveal.nodeId) near.add(edge.target);
      if (edge.target === reveal.nodeId) near.add(edge.source);
    }
    void fitView({
      nodes: [...near].map((id) => ({ id })),
      ...fitOptions,
      maxZoom: getZoom(),
      duration: 200,
    });
  }, [props.reveal, nodes]);

  const onNodesChange = (changes: NodeChange<EditorNode>[]) => {
    // Removal goes through onDelete, as an edit of the app; the rest (sizes, dragging) is React Flow's own.
    setNodes((current) =>
      applyNodeChanges(
        changes.filter((change) => change.type !== "remove"),
        current,
      ),
    );
    const selections = changes.filter((change) => change.type === "select");
    const chosen = selections.find((change) => change.selected);
    if (chosen) props.onSelect(chosen.id);
    else if (selections.some((change) => change.id === props.selected)) props.onSelect(null);
    // A position that is final (a drag ended, or arrow keys moved the selection) is stored in the app.
    const moved = changes.flatMap((change) =>
      change.type === "position" && change.dragging === false && change.position
        ? [{ id: change.id, position: change.position }]
        : [],
    );
    if (moved.length) props.onMove(moved);
  };

  const onEdgesChange = (changes: EdgeChange[]) =>
    setEdges((current) =>
      applyEdgeChanges(
        changes.filter((change) => change.type !== "remove"),
        current,
      ),
    );

  const onConnect = (connection: Connection) => props.onEdit((app) => connect(app, connection) ?? app);

  // React Flow checks a reconnection with the same isValidConnection as a new one, so the edge being
  // moved is kept here to judge the drop by reconnectEdge's rules. A drop on empty canvas calls no
  // onReconnect: the edge stays as it was.
  const reconnecting = useRef<string | null>(null);
  const onReconnect = (old: Edge, connection: Connection) =>
    props.onEdit((app) => reconnectEdge(app, old.id, connection) ?? app);
  const isValidConnection = (connection: Connection) =>
    reconnecting.current
      ? canReconnect(props.app, reconnecting.current, connection)
      : canConnect(props.app, connection);

  const onDelete = ({ nodes: gone, edges: cut }: { nodes: EditorNode[]; edges: Edge[] }) =>
    props.onEdit((app) => {
      let next = cut.reduce((current, edge) => removeEdge(current, edge.id), app);
      for (const node of gone) {
        const ref = parseNodeId(node.id);
        if (ref) next = removeNode(next, ref);
      }
      return next;
    });

  const onDrop = (event: DragEvent) => {
    const data = event.dataTransfer.getData(paletteDragType);
    if (!data || props.readOnly) return;
    event.preventDefault();
    props.onDrop(
      JSON.parse(data) as PaletteItem,
      screenToFlowPosition({ x: event.clientX, y: event.clientY }),
    );
  };

  return (
    <section
      className="cfx-canvas"
      aria-label="Canvas"
      onDragOver={(event) => {
        if (event.dataTransfer.types.includes(paletteDragType)) event.preventDefault();
      }}
      onDrop={onDrop}
    >
      <ReactFlow<EditorNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={(connection) => isValidConnection(connection as Connection)}
        edgesReconnectable={!props.readOnly}
        onReconnectStart={(_event, edge) => {
          reconnecting.current = edge.id;
        }}
        onReconnect={onReconnect}
        onReconnectEnd={() => {
          reconnecting.current = null;
        }}
        onDelete={onDelete}
        onPaneClick={() => props.onSelect(null)}
        nodesDraggable={!props.readOnly}
        nodesConnectable={!props.readOnly}
        elementsSelectable
        deleteKeyCode={props.readOnly ? null : ["Delete", "Backspace"]}
        fitView
        fitViewOptions={fitOptions}
        minZoom={0.2}
      >
        <Background gap={20} />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable ariaLabel="Minimap of the app" />
      </ReactFlow>
    </section>
  );
}
