import { describe, expect, it } from "vitest";
import { addAction, removeNode, updateAction } from "./app-edits.ts";
import { definitionOf } from "./contract.ts";
import {
  canonicalJson,
  type EditorState,
  editorReducer,
  initialEditorState,
  isDirty,
} from "./editor-state.ts";
import { coldChainApp } from "./test-apps.ts";

const start = () => initialEditorState(definitionOf(coldChainApp()));
const rename = (name: string, mergeKey?: string) => ({
  type: "edit" as const,
  change: (app: EditorState["app"]) => updateAction(app, "notify", (action) => ({ ...action, name })),
  ...(mergeKey ? { mergeKey } : {}),
});
const nameOf = (state: EditorState) => state.app.actions[1]?.name;

describe("editor state", () => {
  it("undoes and redoes edits in order, and a new edit clears what could be redone", () => {
    let state = start();
    state = editorReducer(state, rename("A"));
    state = editorReducer(state, rename("B"));
    state = editorReducer(state, { type: "undo" });
    expect(nameOf(state)).toBe("A");
    state = editorReducer(state, { type: "undo" });
    expect(nameOf(state)).toBe("Notify");
    expect(editorReducer(state, { type: "undo" })).toBe(state);
    state = editorReducer(state, { type: "redo" });
    expect(nameOf(state)).toBe("A");
    state = editorReducer(state, rename("C"));
    expect(state.future).toEqual([]);
    expect(editorReducer(state, { type: "redo" })).toBe(state);
  });

  it("typing into one field is one undo step", () => {
    let state = start();
    for (const name of ["N", "Ne", "New"]) state = editorReducer(state, rename(name, "action:notify/name"));
    expect(state.past).toHaveLength(1);
    state = editorReducer(state, { type: "undo" });
    expect(nameOf(state)).toBe("Notify");
  });

  it("selecting another node ends the typing run", () => {
    let state = editorReducer(start(), rename("N", "k"));
    state = editorReducer(state, { type: "select", nodeId: "action:tell" });
    state = editorReducer(state, rename("Ne", "k"));
    expect(state.past).toHaveLength(2);
  });

  it("is dirty after an edit and clean again when undone back or saved", () => {
    let state = start();
    expect(isDirty(state)).toBe(false);
    state = editorReducer(state, rename("A"));
    expect(isDirty(state)).toBe(true);
    state = editorReducer(state, { type: "undo" });
    expect(isDirty(state)).toBe(false);
    state = editorReducer(state, { type: "redo" });
    state = editorReducer(state, { type: "saved", sent: state.app, app: state.app });
    expect(isDirty(state)).toBe(false);
    expect(state.past).toHaveLength(1);
    state = editorReducer(state, { type: "undo" });
    expect(isDirty(state)).toBe(true);
  });

  it("an edit that changes nothing is not an undo step", () => {
    const state = start();
    expect(editorReducer(state, { type: "edit", change: (app) => app })).toBe(state);
  });

  it("the same app with keys in another order is not a change", () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
  });

  it("an edit can select the node it adds; undo drops a selection whose node is gone", () => {
    let state = start();
    state = editorReducer(state, {
      type: "edit",
      change: (app) => addAction(app, "slack", "alerts").app,
      select: "action:slack-1",
    });
    expect(state.selected).toBe("action:slack-1");
    state = editorReducer(state, { type: "undo" });
    expect(state.selected).toBeNull();
    state = editorReducer(state, { type: "select", nodeId: "action:tell" });
    state = editorReducer(state, {
      type: "edit",
      change: (app) => removeNode(app, { kind: "action", id: "tell" }),
    });
    expect(state.selected).toBeNull();
    state = editorReducer(state, { type: "undo" });
    state = editorReducer(state, { type: "select", nodeId: "action:notify" });
    state = editorReducer(state, {
      type: "edit",
      change: (app) => removeNode(app, { kind: "action", id: "tell" }),
    });
    state = editorReducer(state, { type: "undo" });
    expect(state.selected).toBe("action:notify");
  });

  it("an edit made while a save was under way is kept and stays unsaved", () => {
    let state = editorReducer(start(), rename("A"));
    const sent = state.app;
    state = editorReducer(state, rename("B"));
    state = editorReducer(state, { type: "saved", sent, app: structuredClone(sent) });
    expect(nameOf(state)).toBe("B");
    expect(isDirty(state)).toBe(true);
    state = editorReducer(state, { type: "undo" });
    expect(isDirty(state)).toBe(false);
  });
});
