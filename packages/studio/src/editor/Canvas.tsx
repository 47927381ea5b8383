import "@xyflow/react/dist/style.css";
import "./canvas.css";
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
  useNodesInitialized,
  useReactFlow,
  useStoreApi,
} from "@xyflow/react";
import { type DragEvent, useEffect, useMemo, useRef, useState } from "react";
import {
  canConnect,
  canReconnect,
  connect,
  parseNodeId,
  reconnectEdge,
  removeEdge,
  removeNode,
} from "./app-edits.ts";
import { type EdgeInsert, EdgeInsertContext, edgeTypes, insertableEdgeAt } from "./edges.tsx";
import type { EditorNode } from "./graph.ts";
import type { Position } from "./layout.ts";
import { nodeTypes } from "./nodes.tsx";
import { Palette, type PaletteInsert } from "./Palette.tsx";
import { fitsOnEdge, type PaletteItem, paletteActionDragType, paletteDragType } from "./palette.ts";
import { initialViewport, readableZoom, revealViewport } from "./view.ts";

/** "Fit view" keeps text readable (view.ts); a wider app is panned, not shrunk. */
const fitOptions = { padding: 0.08, maxZoom: 1, minZoom: readableZoom };

/** Where a node from the palette goes: where it was dropped, or onto a connection (graph.ts edge id). */
export interface AddPlacement {
  at?: Position;
  edgeId?: string;
}

export interface CanvasProps {
  app: AppDefinition;
  nodes: EditorNode[];
  edges: Edge[];
  selected: string | null;
  readOnly: boolean;
  onSelect(nodeId: string | null): void;
  onEdit(change: (app: AppDefinition) => AppDefinition): void;
  onMove(moved: { id: string; position: Position }[]): void;
  /** A node from the palette: clicked (no placement: after the selected node), dropped, or inserted on a connection. */
  onAdd(item: PaletteItem, placement: AddPlacement): void;
  /** A node just added: the view pans to it, so a node added by keyboard is never off screen. */
  reveal?: { nodeId: string; nonce: number };
}

/**
 * The palette beside React Flow over the derived graph. React Flow keeps measured sizes and drag positions in its node
 * objects, so the canvas holds a local copy refreshed from the app; edits go to the editor store
 * when a gesture ends (drop, connect, delete), which makes each gesture one undo step.
 */
export function Canvas(props: CanvasProps) {
  const { screenToFlowPosition, getNodesBounds, getViewport, setViewport } = useReactFlow();
  const store = useStoreApi();
  const measured = useNodesInitialized();
  const [nodes, setNodes] = useState<EditorNode[]>(props.nodes);
  const [edges, setEdges] = useState<Edge[]>(props.edges);
  /** The connection a step is being inserted on ("+" clicked), and the one a dragged action hovers. */
  const [inserting, setInserting] = useState<string>();
  const [dropEdge, setDropEdge] = useState<string>();

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

  // The first view, once React Flow has measured the nodes (view.ts: readable, starting at the left).
  const viewed = useRef(false);
  useEffect(() => {
    if (viewed.current || !measured) return;
    viewed.current = true;
    const { width, height } = store.getState();
    void setViewport(initialViewport(getNodesBounds(nodes), { width, height }));
  }, [measured, nodes, store, getNodesBounds, setViewport]);

  // A reveal waits until React Flow has measured the new node (fitting before that misses it), then
  // happens once: this is the nonce of the last one done.
  const revealed = useRef<number | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the nodes are measured, with the edges of that moment
  useEffect(() => {
    const reveal = props.reveal;
    if (!reveal || revealed.current === reveal.nonce) return;
    const node = nodes.find((candidate) => candidate.id === reveal.nodeId);
    if (!node?.measured) return;
    revealed.current = reveal.nonce;
    // The new node with what it is wired to, so it appears in its context rather than centred alone
    // (which pushed its channel off the edge), unless that is too wide to show readably.
    const near = new Set([reveal.nodeId]);
    for (const edge of props.edges) {
      if (edge.source === reveal.nodeId) near.add(edge.target);
      if (edge.target === reveal.nodeId) near.add(edge.source);
    }
    const { width, height } = store.getState();
    // Linear: the smooth path zooms out while it pans, drawing the nodes' text too small to read meanwhile.
    void setViewport(
      revealViewport(getNodesBounds([...near]), getNodesBounds([node]), { width, height }, getViewport()),
      { duration: 200, interpolate: "linear" },
    );
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

  // A dragged action over a connection is put on it, as Node-RED splices a node dropped on a wire.
  const edgeUnder = (event: DragEvent) =>
    event.dataTransfer.types.includes(paletteActionDragType)
      ? insertableEdgeAt(document.elementsFromPoint?.(event.clientX, event.clientY) ?? [])
      : undefined;

  const onDragOver = (event: DragEvent) => {
    if (props.readOnly || !event.dataTransfer.types.includes(paletteDragType)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    const over = edgeUnder(event);
    if (over !== dropEdge) setDropEdge(over);
  };

  const onDrop = (event: DragEvent) => {
    const data = event.dataTransfer.getData(paletteDragType);
    setDropEdge(undefined);
    if (!data || props.readOnly) return;
    event.preventDefault();
    const edgeId = edgeUnder(event);
    props.onAdd(JSON.parse(data) as PaletteItem, {
      at: screenToFlowPosition({ x: event.clientX, y: event.clientY }),
      ...(edgeId ? { edgeId } : {}),
    });
  };

  const describeEdge = (edgeId: string) => {
    const edge = props.edges.find((candidate) => candidate.id === edgeId);
    const label = (id?: string) => nodes.find((node) => node.id === id)?.ariaLabel ?? id ?? "";
    return `${label(edge?.source)} → ${label(edge?.target)}`;
  };
  const edgeInsert: EdgeInsert | null = props.readOnly
    ? null
    : { onInsert: setInserting, describe: describeEdge };

  const app = props.app;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the banner names the connection as it was when "+" was clicked
  const insert: PaletteInsert | undefined = useMemo(
    () =>
      inserting
        ? { label: describeEdge(inserting), fits: (item: PaletteItem) => fitsOnEdge(app, inserting, item) }
        : undefined,
    [inserting, app],
  );

  const shownEdges = dropEdge
    ? edges.map((edge) =>
        edge.id === dropEdge ? { ...edge, className: `${edge.className ?? ""} is-drop-target` } : edge,
      )
    : edges;

  return (
    <div className="cfx-canvas-area">
      {props.readOnly ? null : (
        <Palette
          onAdd={(item) => {
            props.onAdd(item, inserting ? { edgeId: inserting } : {});
            setInserting(undefined);
          }}
          insert={insert}
          onCancelInsert={() => setInserting(undefined)}
          startOpen={nodes.length === 0}
        />
      )}
      <section
        className="cfx-canvas"
        aria-label="Canvas"
        onDragOver={onDragOver}
        onDragLeave={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropEdge(undefined);
        }}
        onDrop={onDrop}
      >
        <EdgeInsertContext.Provider value={edgeInsert}>
          <ReactFlow<EditorNode, Edge>
            nodes={nodes}
            edges={shownEdges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
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
            fitViewOptions={fitOptions}
            minZoom={0.2}
          >
            <Background gap={20} />
            <Controls showInteractive={false} />
            <MiniMap pannable zoomable ariaLabel="Minimap of the app" />
          </ReactFlow>
        </EdgeInsertContext.Provider>
        {nodes.length || props.readOnly ? null : (
          <p className="cfx-canvas__empty">
            Start with an event source: pick one in the palette (press <kbd>/</kbd> to search) or drag it
            here.
          </p>
        )}
      </section>
    </div>
  );
}
