import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getBezierPath } from "@xyflow/react";
import { Plus } from "lucide-react";
import { createContext, useContext } from "react";

/** Given by the canvas when it can be edited: "+" on a connection asks the palette for a step to insert there. */
export interface EdgeInsert {
  onInsert(edgeId: string): void;
  /** "Channel Alerts → Action Notify (webhook)", for the button's name. */
  describe(edgeId: string): string;
}

export const EdgeInsertContext = createContext<EdgeInsert | null>(null);

/**
 * A connection between a channel and an action: a curve with its label ("output", "error (off)") and
 * a "+" to insert a step, as HTML over the canvas so both stay clickable and readable at any zoom.
 */
export function FlowEdge(props: EdgeProps) {
  const [path, labelX, labelY] = getBezierPath(props);
  const insert = useContext(EdgeInsertContext);
  const field = props.id.slice(0, props.id.indexOf(":"));
  return (
    <>
      <BaseEdge
        id={props.id}
        path={path}
        {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})}
        {...(props.interactionWidth !== undefined ? { interactionWidth: props.interactionWidth } : {})}
      />
      {props.label || insert ? (
        <EdgeLabelRenderer>
          <div
            className={`cfx-edge-label cfx-edge-label--${field} nodrag nopan`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {props.label ? <span className="cfx-edge-label__text">{props.label}</span> : null}
            {insert ? (
              <button
                type="button"
                className="cfx-edge-insert"
                aria-label={`Insert a step on ${insert.describe(props.id)}`}
                title="Insert a step here"
                onClick={() => insert.onInsert(props.id)}
              >
                <Plus size={14} aria-hidden="true" />
              </button>
            ) : null}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
}

export const edgeTypes = { flow: FlowEdge };

/** The connection under a point, from the elements there (topmost first), if a step can go on it. */
export function insertableEdgeAt(elements: readonly Element[]): string | undefined {
  for (const element of elements) {
    const id = element.closest(".react-flow__edge")?.getAttribute("data-id");
    if (id && !id.startsWith("source:")) return id;
  }
  return undefined;
}
