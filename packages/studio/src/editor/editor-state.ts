// The editor's state and its reducer: the app being edited, undo/redo stacks, the version last saved
// (for dirty tracking) and the selected node. Plain data and pure functions, driven by useReducer.
import type { AppDefinition } from "@conflux/core";
import { parseNodeId } from "./app-edits.ts";

const historyLimit = 200;

export interface EditorState {
  app: AppDefinition;
  past: AppDefinition[];
  future: AppDefinition[];
  /** Canonical JSON of the app as last saved: dirty means the app differs from it. */
  savedJson: string;
  /** Consecutive edits with the same key (typing into one field) make one undo step. */
  lastMergeKey: string | null;
  /** The selected canvas node id, or null for the app itself. */
  selected: string | null;
}

export type EditorCommand =
  | { type: "edit"; change: (app: AppDefinition) => AppDefinition; mergeKey?: string; select?: string | null }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "select"; nodeId: string | null }
  /** `sent` is the app as it was sent; `app` the server's copy of it. */
  | { type: "saved"; sent: AppDefinition; app: AppDefinition }
  | { type: "load"; app: AppDefinition };

/** JSON with object keys sorted, so two apps that differ only in key order compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

export function initialEditorState(app: AppDefinition): EditorState {
  return { app, past: [], future: [], savedJson: canonicalJson(app), lastMergeKey: null, selected: null };
}

export function isDirty(state: EditorState): boolean {
  return canonicalJson(state.app) !== state.savedJson;
}

export function editorReducer(state: EditorState, command: EditorCommand): EditorState {
  switch (command.type) {
    case "edit": {
      const app = command.change(state.app);
      const selected = command.select === undefined ? keepSelection(app, state.selected) : command.select;
      if (app === state.app) return selected === state.selected ? state : { ...state, selected };
      const merge = command.mergeKey !== undefined && command.mergeKey === state.lastMergeKey;
      return {
        ...state,
        app,
        past: merge ? state.past : [...state.past, state.app].slice(-historyLimit),
        future: [],
        lastMergeKey: command.mergeKey ?? null,
        selected,
      };
    }
    case "undo": {
      const previous = state.past.at(-1);
      if (!previous) return state;
      return {
        ...state,
        app: previous,
        past: state.past.slice(0, -1),
        future: [state.app, ...state.future],
        lastMergeKey: null,
        selected: keepSelection(previous, state.selected),
      };
    }
    case "redo": {
      const [next, ...future] = state.future;
      if (!next) return state;
      return {
        ...state,
        app: next,
        past: [...state.past, state.app],
        future,
        lastMergeKey: null,
        selected: keepSelection(next, state.selected),
      };
    }
    case "select":
      return command.nodeId === state.selected
        ? state
        : { ...state, selected: command.nodeId, lastMergeKey: null };
    case "saved":
      // The server's copy becomes the baseline; history stays, so a save can still be undone. Edits
      // made while the save was under way stay too (and keep the app dirty).
      return {
        ...state,
        app: state.app === command.sent ? command.app : state.app,
        savedJson: canonicalJson(command.app),
        lastMergeKey: null,
      };
    case "load":
      return initialEditorState(command.app);
  }
}

/** Drops a selection whose node the undone or redone app no longer has. */
function keepSelection(app: AppDefinition, selected: string | null): string | null {
  const ref = selected ? parseNodeId(selected) : undefined;
  if (!ref) return null;
  const exists =
    ref.kind === "action"
      ? app.actions.some((action) => action.actionId === ref.id)
      : app.channels.some(
          (channel) => channel.channelId === ref.id && (ref.kind === "channel" || channel.eventSource),
        );
  return exists ? selected : null;
}
