// Where the canvas looks: the first view and the view after a node is added. Text on nodes is 15 px
// and larger, so at `readableZoom` it is still 12 px on screen; rather than shrink an app that is too
// wide below that, the first view starts at its left edge, where the messages come in, and the rest
// is a pan away (as in Node-RED, whose canvas never zooms to fit).
import { getViewportForBounds, type Rect, type Viewport } from "@xyflow/react";

export const readableZoom = 0.8;
/** Screen pixels kept free around what is shown. */
const margin = 24;

interface Size {
  width: number;
  height: number;
}

/** The whole app when it fits at a readable zoom (never above 1), else its left part at that zoom. */
export function initialViewport(bounds: Rect, size: Size): Viewport {
  const room = { width: Math.max(size.width - 2 * margin, 1), height: Math.max(size.height - 2 * margin, 1) };
  const fit = Math.min(room.width / Math.max(bounds.width, 1), room.height / Math.max(bounds.height, 1), 1);
  const zoom = Math.max(fit, readableZoom);
  const along = (start: number, length: number, screen: number) =>
    length * zoom <= screen - 2 * margin
      ? (screen - length * zoom) / 2 - start * zoom
      : margin - start * zoom;
  return {
    x: along(bounds.x, bounds.width, size.width),
    y: along(bounds.y, bounds.height, size.height),
    zoom,
  };
}

function isInside(rect: Rect, viewport: Viewport, size: Size): boolean {
  const left = rect.x * viewport.zoom + viewport.x;
  const top = rect.y * viewport.zoom + viewport.y;
  return (
    left >= 0 &&
    top >= 0 &&
    left + rect.width * viewport.zoom <= size.width &&
    top + rect.height * viewport.zoom <= size.height
  );
}

/**
 * The view after adding a node: the node with what it is wired to (`group`), so it appears in its
 * context; never zoomed in beyond where the person was, nor out below a readable zoom unless they
 * were already further out. When that group does not fit, the node alone is centred.
 */
export function revealViewport(group: Rect, node: Rect, size: Size, current: Viewport): Viewport {
  const maxZoom = current.zoom;
  const minZoom = Math.min(current.zoom, readableZoom);
  const showing = getViewportForBounds(group, size.width, size.height, minZoom, maxZoom, 0.08);
  if (isInside(node, showing, size)) return showing;
  return getViewportForBounds(node, size.width, size.height, minZoom, maxZoom, 0.08);
}
