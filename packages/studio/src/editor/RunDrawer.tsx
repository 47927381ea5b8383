import type { Action } from "@conflux/core";
import { useNodesInitialized, useReactFlow, useStore } from "@xyflow/react";
import {
  type KeyboardEvent,
  type PointerEvent,
  type ReactNode,
  useEffect,
  useId,
  useRef,
  useState,
} from "react";
import type { ActionRunState } from "./run-overlay.ts";
import { StepDetails } from "./StepDetails.tsx";

const minHeight = 120;
const maxHeight = 640;
const keyStep = 32;
const clamp = (height: number) => Math.min(maxHeight, Math.max(minHeight, Math.round(height)));

/** The model an action names in its config (AI actions), if any. */
function modelOf(action: Action): string | undefined {
  const { model } = action.config as Record<string, unknown>;
  return typeof model === "string" ? model : undefined;
}

export interface RunDrawerState {
  open: boolean;
  height: number;
  /** Changes each time a step is asked for, so the same step clicked again scrolls into view again. */
  reveal: number;
}

/** The drawer's state: shown or not, its height, and the last request to bring the step into view. */
export function useRunDrawer() {
  const [state, setState] = useState<RunDrawerState>({ open: false, height: 280, reveal: 0 });
  return {
    ...state,
    show: (revealStep = false) =>
      setState((current) => ({
        ...current,
        open: true,
        reveal: revealStep ? current.reveal + 1 : current.reveal,
      })),
    close: () => setState((current) => ({ ...current, open: false })),
    toggle: () => setState((current) => ({ ...current, open: !current.open })),
    resize: (height: number) => setState((current) => ({ ...current, height: clamp(height) })),
  };
}

/** As the canvas's own first fit (Canvas.tsx). */
const fitOptions = { padding: 0.08, maxZoom: 1, minZoom: 0.3 };

/**
 * The drawer (and the run banner) take their height from the canvas: when the canvas shrinks, nodes that
 * were all in view and no longer are get fitted back in. Resizing does not move the viewport, so "were in
 * view" is the same viewport checked against the canvas's previous size; a canvas panned away by the user
 * is left as it is.
 */
function useNodesKeptInView() {
  const { getNodes, getInternalNode, getViewport, fitView } = useReactFlow();
  const width = useStore((store) => store.width);
  const height = useStore((store) => store.height);
  const measured = useNodesInitialized();
  const previous = useRef<{ width: number; height: number }>(undefined);
  useEffect(() => {
    if (!measured || !width || !height) return;
    const before = previous.current;
    previous.current = { width, height };
    if (!before) return;
    const { x, y, zoom } = getViewport();
    const allInView = (pane: { width: number; height: number }) =>
      getNodes().every((node) => {
        // The measured size is on React Flow's internal node, not on the node the canvas passes in.
        const size = getInternalNode(node.id)?.measured;
        const left = node.position.x * zoom + x;
        const top = node.position.y * zoom + y;
        return (
          left >= 0 &&
          top >= 0 &&
          left + (size?.width ?? 0) * zoom <= pane.width &&
          top + (size?.height ?? 0) * zoom <= pane.height
        );
      });
    if (allInView(before) && !allInView({ width, height })) void fitView(fitOptions);
  }, [width, height, measured, getNodes, getInternalNode, getViewport, fitView]);
}

export interface RunDrawerProps {
  drawer: ReturnType<typeof useRunDrawer>;
  /** The test-run form; absent when read-only. */
  testRun?: ReactNode;
  /** Whether a run is on the canvas (a test run, or the run a run page shows). */
  hasRun: boolean;
  /** The selected action and its steps in that run. */
  step?: { action: Action; state: ActionRunState } | undefined;
}

/**
 * Under the canvas: the test-run form and the steps of the run on the canvas. Opened and closed from its
 * bar, resized by dragging or with the arrow keys on its edge (a focusable separator).
 */
export function RunDrawer({ drawer, testRun, hasRun, step }: RunDrawerProps) {
  const bodyId = useId();
  const stepRef = useRef<HTMLDivElement>(null);
  const drag = useRef<{ y: number; height: number }>(undefined);
  const title = testRun ? "Test run and steps" : "Steps of the run";
  useNodesKeptInView();

  // A click on a node of the run brings its step into view, however far the drawer was scrolled.
  useEffect(() => {
    if (drawer.reveal) stepRef.current?.scrollIntoView?.({ block: "start" });
  }, [drawer.reveal]);

  const onKeyDown = (event: KeyboardEvent) => {
    const next: Record<string, number> = {
      ArrowUp: drawer.height + keyStep,
      ArrowDown: drawer.height - keyStep,
      Home: minHeight,
      End: maxHeight,
    };
    const height = next[event.key];
    if (height === undefined) return;
    event.preventDefault();
    drawer.resize(height);
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.currentTarget.setPointerCapture?.(event.pointerId);
    drag.current = { y: event.clientY, height: drawer.height };
  };
  const onPointerMove = (event: PointerEvent) => {
    if (drag.current) drawer.resize(drag.current.height + drag.current.y - event.clientY);
  };
  const endDrag = () => {
    drag.current = undefined;
  };

  return (
    <section
      className={drawer.open ? "cfx-run-drawer cfx-run-drawer--open" : "cfx-run-drawer"}
      aria-label={title}
      style={drawer.open ? { height: drawer.height } : undefined}
    >
      {drawer.open ? (
        // biome-ignore lint/a11y/useSemanticElements: a focusable, resizing separator has no native element (<hr> cannot take focus)
        <div
          role="separator"
          aria-orientation="horizontal"
          aria-label="Resize the drawer"
          aria-controls={bodyId}
          aria-valuemin={minHeight}
          aria-valuemax={maxHeight}
          aria-valuenow={drawer.height}
          tabIndex={0}
          className="cfx-run-drawer__resize"
          onKeyDown={onKeyDown}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={endDrag}
          onPointerCancel={endDrag}
        />
      ) : null}
      <div className="cfx-run-drawer__bar">
        <button
          type="button"
          className="cfx-run-drawer__toggle"
          aria-expanded={drawer.open}
          aria-controls={bodyId}
          onClick={drawer.toggle}
        >
          <span aria-hidden="true">{drawer.open ? "▾" : "▸"}</span> {title}
        </button>
        {step ? (
          <span className="cfx-muted">Step of “{step.action.name || step.action.actionId}”</span>
        ) : null}
      </div>
      {drawer.open ? (
        <div id={bodyId} className="cfx-run-drawer__body">
          {testRun}
          <div className="cfx-run-drawer__step" ref={stepRef}>
            {step ? (
              <>
                <h3 className="cfx-run-drawer__heading">
                  Action “{step.action.name || step.action.actionId}”
                </h3>
                <StepDetails state={step.state} model={modelOf(step.action)} />
              </>
            ) : (
              <p className="cfx-muted">
                {hasRun
                  ? "Select an action on the canvas to see its step."
                  : "Send a test message: each action's step shows here when you select it."}
              </p>
            )}
          </div>
        </div>
      ) : null}
    </section>
  );
}
