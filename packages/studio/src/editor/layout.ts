// Where nodes sit on the canvas. Positions a person arranged are kept in one app tag,
// `studio:layout` (JSON of node id → [x, y]), because then the layout travels with the app: it is
// saved, exported, imported and duplicated with it, and undo covers moves, with no table of its own.
// Flux ignores tags it does not know, so an exported app still imports there. An app without the
// tag (imported, or written through the API) is laid out automatically, left to right.
import type { AppDefinition } from "@conflux/core";

export const layoutTag = "studio:layout";

export interface Position {
  x: number;
  y: number;
}

export const columnGap = 300;
export const rowGap = 140;

export function readLayout(app: AppDefinition): Record<string, Position> {
  const text = app.tags[layoutTag];
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    const positions: Record<string, Position> = {};
    if (parsed && typeof parsed === "object")
      for (const [id, value] of Object.entries(parsed)) {
        if (Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "number")
          positions[id] = { x: value[0], y: value[1] };
      }
    return positions;
  } catch {
    return {}; // a hand-edited tag that is not JSON: fall back to the automatic layout
  }
}

export function writeLayout(app: AppDefinition, positions: Record<string, Position>): AppDefinition {
  const entries = Object.entries(positions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, { x, y }]) => [id, [Math.round(x), Math.round(y)]]);
  return { ...app, tags: { ...app.tags, [layoutTag]: JSON.stringify(Object.fromEntries(entries)) } };
}

export function clearLayout(app: AppDefinition): AppDefinition {
  if (!(layoutTag in app.tags)) return app;
  const { [layoutTag]: _removed, ...tags } = app.tags;
  return { ...app, tags };
}

/**
 * A layered left-to-right layout: each node one column right of its furthest predecessor (longest
 * path), cycles broken at the edge that closes them (an app may loop through a channel), and each
 * column ordered by the average row of the predecessors so edges cross less.
 */
export function layoutGraph(
  nodeIds: readonly string[],
  edges: readonly { source: string; target: string }[],
) {
  const known = new Set(nodeIds);
  const successors = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  const predecessorCount = new Map<string, number>(nodeIds.map((id) => [id, 0]));
  for (const { source, target } of edges) {
    if (!known.has(source) || !known.has(target)) continue;
    successors.get(source)?.push(target);
    predecessorCount.set(target, (predecessorCount.get(target) ?? 0) + 1);
  }

  // Depth-first from the roots (then from anything left, which only a pure cycle leaves) to find back edges.
  const state = new Map<string, "open" | "done">();
  const forward: { source: string; target: string }[] = [];
  const visit = (id: string) => {
    state.set(id, "open");
    for (const next of successors.get(id) ?? []) {
      const seen = state.get(next);
      if (seen === "open") continue; // back edge: closes a loop
      forward.push({ source: id, target: next });
      if (!seen) visit(next);
    }
    state.set(id, "done");
  };
  for (const id of nodeIds) if (!predecessorCount.get(id) && !state.has(id)) visit(id);
  for (const id of nodeIds) if (!state.has(id)) visit(id);

  const layer = new Map<string, number>(nodeIds.map((id) => [id, 0]));
  const predecessors = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const edge of forward) predecessors.get(edge.target)?.push(edge.source);
  // Longest path by relaxation; the forward edges form a DAG so this settles within |nodes| rounds.
  for (let round = 0, changed = true; changed && round < nodeIds.length; round++) {
    changed = false;
    for (const { source, target } of forward) {
      const candidate = (layer.get(source) ?? 0) + 1;
      if (candidate > (layer.get(target) ?? 0)) {
        layer.set(target, candidate);
        changed = true;
      }
    }
  }

  const columns: string[][] = [];
  for (const id of nodeIds) {
    const column = layer.get(id) ?? 0;
    columns[column] ??= [];
    columns[column].push(id);
  }
  const row = new Map<string, number>();
  const positions: Record<string, Position> = {};
  columns.forEach((column, columnIndex) => {
    const weight = (id: string) => {
      const rows = (predecessors.get(id) ?? []).map((p) => row.get(p)).filter((r) => r !== undefined);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.POSITIVE_INFINITY;
    };
    const ordered = column
      .map((id, index) => ({ id, index, weight: weight(id) }))
      .sort((a, b) => a.weight - b.weight || a.index - b.index);
    ordered.forEach(({ id }, rowIndex) => {
      row.set(id, rowIndex);
      positions[id] = { x: columnIndex * columnGap, y: rowIndex * rowGap };
    });
  });
  return positions;
}

/**
 * Stored positions where there are any; nodes without one (added through the API since the layout
 * was saved) get their automatic position, moved below the arranged nodes so they do not overlap.
 */
export function placeNodes(
  stored: Record<string, Position>,
  nodeIds: readonly string[],
  edges: readonly { source: string; target: string }[],
): Record<string, Position> {
  const placed = nodeIds.filter((id) => stored[id]);
  // Every node placed (the usual case once a layout is stored): no automatic layout to compute.
  if (placed.length === nodeIds.length)
    return Object.fromEntries(nodeIds.map((id) => [id, stored[id] as Position]));
  const automatic = layoutGraph(nodeIds, edges);
  if (!placed.length) return automatic;
  const below = Math.max(...placed.map((id) => (stored[id] as Position).y)) + rowGap;
  const positions: Record<string, Position> = {};
  for (const id of nodeIds) {
    const auto = automatic[id] as Position;
    positions[id] = stored[id] ?? { x: auto.x, y: auto.y + below };
  }
  return positions;
}

/** The first place at or below `start` (one row at a time) that no node occupies, for a node being added. */
export function freeSpot(positions: Record<string, Position>, start: Position): Position {
  const taken = Object.values(positions);
  const spot = { ...start };
  while (taken.some((p) => Math.abs(p.x - spot.x) < columnGap / 2 && Math.abs(p.y - spot.y) < rowGap / 2))
    spot.y += rowGap;
  return spot;
}
