import "./editor.css";
import { type AppDefinition, validateApp } from "@conflux/core";
import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { describeError } from "../api/client.ts";
import { getIn, type NodeRef, parseNodeId, removeNode } from "./app-edits.ts";
import { type AddPlacement, Canvas } from "./Canvas.tsx";
import { type AppEditorProps, definitionOf, type FieldProblem } from "./contract.ts";
import { EditorToolbar } from "./EditorToolbar.tsx";
import { canonicalJson, editorReducer, initialEditorState, isDirty } from "./editor-state.ts";
import { buildGraph, keepingPositions, moveNodes } from "./graph.ts";
import { type InspectorTab, tabOfField } from "./inspector-tabs.ts";
import { clearLayout } from "./layout.ts";
import { addFromPalette, type PaletteItem } from "./palette.ts";
import { countByNode, type LocatedProblem, locateProblems } from "./problems.ts";
import { RunDrawer, useRunDrawer } from "./RunDrawer.tsx";
import { actionRunStates, countStatuses, statusLabels, visitedChannels } from "./run-overlay.ts";
import { SidePanel } from "./SidePanel.tsx";
import { parsePayload, TestRunPanel, useTestSender } from "./TestRunPanel.tsx";

/**
 * The app editor: canvas, palette, inspector (tabs), the drawer with the test run and step details, and the
 * run overlay. See contract.ts for what the shell passes.
 */
export function AppEditor(props: AppEditorProps) {
  return (
    <ReactFlowProvider>
      <EditorRoot {...props} />
    </ReactFlowProvider>
  );
}

/** A problem the server reported, kept until the value it points at changes. */
interface ServerProblem {
  problem: FieldProblem;
  valueJson: string;
}

function pathParts(path: FieldProblem["path"] | string): (string | number)[] {
  return typeof path === "string" ? path.split(".").filter(Boolean) : path;
}

const editableControls = "input, textarea, select, [contenteditable='true']";

function focusField(root: HTMLElement | null, field: string): void {
  if (!root) return;
  // The field itself, else the closest enclosing one (a problem inside a JSON value points below its field).
  for (let parts = field.split("."); parts.length; parts = parts.slice(0, -1)) {
    const container = root.querySelector(`[data-field="${CSS.escape(parts.join("."))}"]`);
    const control = container?.querySelector<HTMLElement>(editableControls);
    if (control) {
      control.focus();
      return;
    }
  }
}

function EditorRoot(props: AppEditorProps) {
  const readOnly = props.readOnly ?? false;
  const [state, dispatch] = useReducer(editorReducer, props.app, (app) =>
    initialEditorState(definitionOf(app)),
  );
  const dirty = isDirty(state);
  const [serverProblems, setServerProblems] = useState<ServerProblem[]>([]);
  const [saveMessage, setSaveMessage] = useState<{ ok: boolean; text: string }>();
  const [saving, setSaving] = useState(false);
  const [focusRequest, setFocusRequest] = useState<{ field: string; nonce: number }>();
  const [testChannelId, setTestChannelId] = useState(props.run?.channelId ?? "");
  const [payloadText, setPayloadText] = useState("{}");
  const testMessage = useMemo(() => parsePayload(payloadText), [payloadText]);
  const [reveal, setReveal] = useState<{ nodeId: string; nonce: number }>();
  const [tab, setTab] = useState<InspectorTab>("settings");
  const drawer = useRunDrawer();
  const panel = useRef<HTMLElement>(null);
  const { app, selected } = state;
  const sender = useTestSender(app.channels, props.onTestRun);
  const testChannel = testChannelId || defaultTestChannel(app);

  // A different app, or a new version of it while nothing is unsaved, replaces what is edited.
  const shown = useRef(props.app);
  useEffect(() => {
    if (shown.current === props.app) return;
    const switched = shown.current.appId !== props.app.appId;
    shown.current = props.app;
    const incoming = definitionOf(props.app);
    if (switched || (!dirty && canonicalJson(incoming) !== state.savedJson))
      dispatch({ type: "load", app: incoming });
  }, [props.app, dirty, state.savedJson]);

  const onDirtyChange = props.onDirtyChange;
  useEffect(() => onDirtyChange?.(dirty), [dirty, onDirtyChange]);

  const liveProblems = useMemo(() => {
    const validation = validateApp(app);
    return validation.ok ? [] : validation.problems;
  }, [app]);
  const problems: LocatedProblem[] = useMemo(() => {
    const stillTrue = serverProblems
      .filter(
        ({ problem, valueJson }) => canonicalJson(getIn(app, pathParts(problem.path)) ?? null) === valueJson,
      )
      .map(({ problem }) => problem);
    return locateProblems(app, [...stillTrue, ...liveProblems]);
  }, [app, serverProblems, liveProblems]);

  const runStates = useMemo(
    () => (props.run ? actionRunStates(app, props.run) : undefined),
    [app, props.run],
  );
  const graph = useMemo(
    () =>
      buildGraph(app, {
        problemCounts: countByNode(problems),
        ...(runStates ? { runStates } : {}),
        ...(props.run ? { visitedChannels: visitedChannels(props.run) } : {}),
      }),
    [app, problems, runStates, props.run],
  );

  const edit = useCallback(
    (change: (app: AppDefinition) => AppDefinition, mergeKey?: string, select?: string | null) =>
      dispatch({
        type: "edit",
        change,
        ...(mergeKey ? { mergeKey } : {}),
        ...(select !== undefined ? { select } : {}),
      }),
    [],
  );
  const select = useCallback((nodeId: string | null) => dispatch({ type: "select", nodeId }), []);
  // An action clicked on a run opens the drawer on its step.
  const selectOnCanvas = (nodeId: string | null) => {
    select(nodeId);
    if (!(props.run && nodeId && parseNodeId(nodeId)?.kind === "action")) return;
    drawer.show(true);
    // The drawer takes height from the canvas: once it has (the next frame), bring the action into view.
    requestAnimationFrame(() => requestAnimationFrame(() => setReveal({ nodeId, nonce: Date.now() })));
  };
  const openTestRun = (channelId: string) => {
    setTestChannelId(channelId);
    drawer.show();
  };

  const add = (item: PaletteItem, placement: AddPlacement) => {
    const added = addFromPalette(app, item, { selected, ...placement });
    edit(() => added.app, undefined, added.nodeId);
    if (!placement.at) setReveal({ nodeId: added.nodeId, nonce: Date.now() });
  };

  const deleteNode = (ref: NodeRef) =>
    edit(
      keepingPositions((current) => removeNode(current, ref)),
      undefined,
      null,
    );

  const save = async () => {
    if (readOnly || saving) return;
    setSaving(true);
    setSaveMessage(undefined);
    const definition = app;
    try {
      const outcome = await props.onSave(definition);
      if (outcome.ok) {
        dispatch({ type: "saved", sent: definition, app: definitionOf(outcome.app) });
        setServerProblems([]);
        setSaveMessage({ ok: true, text: "Saved" });
      } else {
        setServerProblems(
          outcome.problems.map((problem) => ({
            problem,
            valueJson: canonicalJson(getIn(definition, pathParts(problem.path)) ?? null),
          })),
        );
        setSaveMessage({ ok: false, text: outcome.message });
        const [first] = locateProblems(definition, outcome.problems);
        if (first) {
          select(first.nodeId);
          setTab(tabOfField(first.field));
          setFocusRequest({ field: first.field, nonce: Date.now() });
        }
      }
    } catch (error) {
      setSaveMessage({
        ok: false,
        text: `Not saved: ${describeError(error)}`,
      });
    } finally {
      setSaving(false);
    }
  };

  // Focus the field of the first problem once its node's form, on the tab that holds it, is on screen.
  useEffect(() => {
    if (focusRequest) focusField(panel.current, focusRequest.field);
  }, [focusRequest]);

  // Shortcuts work wherever the focus is in the editor, and on the page body (where focus falls when the
  // focused node is deleted). Capture phase, so CodeMirror and inputs do not keep Ctrl+Z to themselves.
  const root = useRef<HTMLDivElement>(null);
  const shortcuts = useRef<(event: globalThis.KeyboardEvent) => void>(() => {});
  shortcuts.current = (event) => {
    const mod = event.ctrlKey || event.metaKey;
    const target = event.target as Node | null;
    if (!mod || !(target === document.body || root.current?.contains(target))) return;
    const key = event.key.toLowerCase();
    if (key === "s") {
      event.preventDefault();
      void save();
    } else if (!readOnly && key === "enter") {
      event.preventDefault();
      drawer.show();
      void sender.send(testChannel, testMessage);
    } else if (!readOnly && key === "z") {
      event.preventDefault();
      dispatch({ type: event.shiftKey ? "redo" : "undo" });
    } else if (!readOnly && key === "y") {
      event.preventDefault();
      dispatch({ type: "redo" });
    }
  };
  // Escape in the bubble phase: a field that uses it (closing completions, a listbox) has had it first.
  // In the inspector's fields it does nothing more, so leaving a completion list never drops the node.
  const onEscape = useRef<(event: globalThis.KeyboardEvent) => void>(() => {});
  onEscape.current = (event) => {
    const target = event.target as Node | null;
    if (event.key !== "Escape" || event.defaultPrevented) return;
    if (!(target === document.body || root.current?.contains(target))) return;
    const element = target instanceof Element ? target : null;
    if (element?.closest(editableControls) && !element.closest(".cfx-run-drawer")) return;
    if (drawer.open) drawer.close();
    else if (selected) select(null);
    else return;
    event.preventDefault();
  };
  useEffect(() => {
    const listener = (event: globalThis.KeyboardEvent) => shortcuts.current(event);
    const escapeListener = (event: globalThis.KeyboardEvent) => onEscape.current(event);
    document.addEventListener("keydown", listener, true);
    document.addEventListener("keydown", escapeListener);
    return () => {
      document.removeEventListener("keydown", listener, true);
      document.removeEventListener("keydown", escapeListener);
    };
  }, []);

  const counts = runStates ? countStatuses(runStates) : [];
  const selectedRef = selected ? parseNodeId(selected) : undefined;
  const appProblems = problems.filter((problem) => problem.nodeId === null);
  const selectedAction =
    selectedRef?.kind === "action"
      ? app.actions.find((action) => action.actionId === selectedRef.id)
      : undefined;
  const selectedRunState = selectedAction ? runStates?.get(selectedAction.actionId) : undefined;
  const shownStep =
    selectedAction && selectedRunState ? { action: selectedAction, state: selectedRunState } : undefined;

  return (
    <div className="cfx-editor" ref={root}>
      {readOnly ? null : (
        <EditorToolbar
          canUndo={state.past.length > 0}
          canRedo={state.future.length > 0}
          onUndo={() => dispatch({ type: "undo" })}
          onRedo={() => dispatch({ type: "redo" })}
          onTidy={() => edit(clearLayout)}
          canDelete={selectedRef !== undefined}
          onDelete={() => selectedRef && deleteNode(selectedRef)}
          problemCount={problems.length}
          dirty={dirty}
          saving={saving}
          {...(saveMessage ? { saveMessage } : {})}
          onSave={() => void save()}
        />
      )}
      {props.run ? (
        <div className="cfx-editor__run" role="status" aria-label="Run summary">
          <span>
            Run <span className="cfx-mono">{props.run.runId}</span>:{" "}
            <span className={`cfx-badge cfx-badge--${props.run.status}`}>{props.run.status}</span>
          </span>
          {counts.map(({ status, count }) => (
            <span key={status} className={`cfx-badge cfx-badge--${status}`}>
              {count} {statusLabels[status]}
            </span>
          ))}
          <span className="cfx-muted">
            {shownStep && drawer.open
              ? `The drawer shows the step of “${shownStep.action.name || shownStep.action.actionId}”.`
              : "Select an action to see its step."}
          </span>
        </div>
      ) : null}
      <div className="cfx-editor__body">
        <div className="cfx-editor__main">
          <Canvas
            app={app}
            nodes={graph.nodes}
            edges={graph.edges}
            selected={selected}
            readOnly={readOnly}
            onSelect={selectOnCanvas}
            onEdit={(change) => edit(keepingPositions(change))}
            onMove={(moved) => edit(moveNodes(moved), `move:${moved.map((node) => node.id).join(",")}`)}
            onAdd={add}
            {...(reveal ? { reveal } : {})}
          />
          {readOnly && !props.run ? null : (
            <RunDrawer
              drawer={drawer}
              hasRun={props.run !== undefined}
              step={shownStep}
              testRun={
                readOnly ? undefined : (
                  <TestRunPanel
                    channels={app.channels}
                    channelId={testChannel}
                    onChannelChange={setTestChannelId}
                    payloadText={payloadText}
                    parsed={testMessage}
                    onPayloadChange={setPayloadText}
                    dirty={dirty}
                    sender={sender}
                  />
                )
              }
            />
          )}
        </div>
        <aside className="cfx-editor__panel" ref={panel} aria-label="Properties">
          {appProblems.length ? (
            <ul className="cfx-editor__app-problems" aria-label="App problems">
              {appProblems.map((problem) => (
                <li key={`${problem.field}:${problem.message}`} className="cfx-field__error">
                  {problem.message}
                </li>
              ))}
            </ul>
          ) : null}
          <SidePanel
            appId={props.app.appId}
            app={app}
            selected={selected}
            problems={problems}
            credentials={props.credentials}
            readOnly={readOnly}
            samplePayload={
              readOnly ? props.run?.steps[0]?.input : testMessage.ok ? testMessage.payload : undefined
            }
            {...(runStates ? { runStates } : {})}
            {...(props.aiModels ? { aiModels: props.aiModels } : {})}
            {...(props.onTryAction ? { onTryAction: props.onTryAction } : {})}
            {...(props.onCreateApiUser ? { onCreateApiUser: props.onCreateApiUser } : {})}
            tab={tab}
            onTabChange={setTab}
            onOpenTestRun={openTestRun}
            onEdit={(change, mergeKey) => edit(change, mergeKey)}
            onDelete={deleteNode}
          />
        </aside>
      </div>
    </div>
  );
}

/** Until one is chosen, test messages go where the app's messages come from: a channel with an event source. */
function defaultTestChannel(app: AppDefinition): string {
  return (app.channels.find((channel) => channel.eventSource) ?? app.channels[0])?.channelId ?? "";
}
