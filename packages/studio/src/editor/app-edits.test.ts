import { validateApp } from "@conflux/core";
import { describe, expect, it } from "vitest";
import {
  addAction,
  addEventSource,
  canConnect,
  changeActionType,
  connect,
  reconnectEdge,
  removeEdge,
  removeNode,
  setIn,
  updateAction,
} from "./app-edits.ts";
import { definitionOf } from "./contract.ts";
import { editorReducer, initialEditorState } from "./editor-state.ts";
import { coldChainApp } from "./test-apps.ts";

const app = () => definitionOf(coldChainApp());

describe("app edits", () => {
  it("a definition keeps every field of the app but its id and timestamps", () => {
    const full = coldChainApp();
    const definition = definitionOf(full);
    expect(definition).toEqual({ ...full, appId: undefined, createdAt: undefined, updatedAt: undefined });
    expect("appId" in definition).toBe(false);
    expect(definition.actions[1]?.config).toMatchObject({ extraKeptField: 7 });
  });

  it("a new action gets a unique readable id and a config the schema fills in", () => {
    const { app: next, actionId } = addAction(app(), "webhook", "alerts");
    expect(actionId).toBe("webhook-1");
    const action = next.actions.find((a) => a.actionId === actionId);
    expect(action?.config).toEqual({
      method: "POST",
      url: "",
      headers: {},
      body: { mode: "forward" },
      auth: { type: "none" },
    });
    expect(addAction(next, "webhook", "alerts").actionId).toBe("webhook-2");
  });

  it("a new event source goes onto the preferred channel when it has none, else onto a new channel", () => {
    const onAlerts = addEventSource(app(), "interval-timer", "alerts");
    expect(onAlerts.channelId).toBe("alerts");
    expect(onAlerts.app.channels[1]?.eventSource).toEqual({
      type: "interval-timer",
      enabled: true,
      config: { intervalMinutes: 1 },
    });
    const elsewhere = addEventSource(app(), "api", "readings");
    expect(elsewhere.channelId).toBe("channel-1");
    expect(elsewhere.app.channels).toHaveLength(4);
    expect(validateApp(elsewhere.app).ok).toBe(true);
  });

  it("connecting a channel to an action sets the action's input channel", () => {
    const next = connect(app(), { source: "channel:failures", target: "action:too-warm" });
    expect(next?.actions[0]?.channelId).toBe("failures");
  });

  it("connecting an action's output or error handle to a channel enables that output", () => {
    const output = connect(app(), {
      source: "action:tell",
      sourceHandle: "output",
      target: "channel:alerts",
    });
    expect(output?.actions[2]?.output).toMatchObject({ enabled: true, channelId: "alerts" });
    const errors = connect(app(), {
      source: "action:too-warm",
      sourceHandle: "errorOutput",
      target: "channel:failures",
    });
    expect(errors?.actions[0]?.errorOutput).toEqual({ enabled: true, channelId: "failures" });
    expect(errors?.actions[0]?.output).toMatchObject({ enabled: true, channelId: "alerts" });
  });

  it("connecting an action to an action adds the channel between them", () => {
    const next = connect(app(), {
      source: "action:too-warm",
      sourceHandle: "errorOutput",
      target: "action:tell",
    });
    const added = next?.channels.at(-1);
    expect(added?.name).toBe("Too warm errors");
    expect(next?.actions[0]?.errorOutput).toEqual({ enabled: true, channelId: added?.channelId });
    expect(next?.actions[2]?.channelId).toBe(added?.channelId);
  });

  it("refuses connections that mean nothing", () => {
    expect(canConnect(app(), { source: "channel:alerts", target: "channel:failures" })).toBe(false);
    expect(canConnect(app(), { source: "action:tell", target: "source:readings" })).toBe(false);
    // a channel takes one event source
    const withTwo = addEventSource(app(), "api", "alerts").app;
    expect(canConnect(withTwo, { source: "source:readings", target: "channel:alerts" })).toBe(false);
    expect(canConnect(app(), { source: "source:readings", target: "channel:alerts" })).toBe(true);
  });

  it("moving an event source takes it off its old channel", () => {
    const next = connect(app(), { source: "source:readings", target: "channel:alerts" });
    expect(next?.channels[0]?.eventSource).toBeUndefined();
    expect(next?.channels[1]?.eventSource?.type).toBe("api");
  });

  it("removing a channel switches off outputs into it and keeps its actions", () => {
    const next = removeNode(app(), { kind: "channel", id: "alerts" });
    expect(next.channels.map((c) => c.channelId)).toEqual(["readings", "failures"]);
    expect(next.actions[0]?.output).toEqual({ enabled: false, splitArray: false, delaySeconds: 0 });
    expect(next.actions).toHaveLength(3);
    const problems = validateApp(next);
    expect(problems.ok ? [] : problems.problems.map((p) => p.path)).toEqual(["actions.1.channelId"]);
  });

  it("removing an event source or an action removes only it", () => {
    expect(removeNode(app(), { kind: "source", id: "readings" }).channels[0]).toEqual({
      channelId: "readings",
      name: "Readings",
      description: "from the sensors",
      tags: { floor: "2" },
    });
    expect(removeNode(app(), { kind: "action", id: "notify" }).actions.map((a) => a.actionId)).toEqual([
      "too-warm",
      "tell",
    ]);
  });

  it("removing an output edge switches the output off; input edges stay", () => {
    expect(removeEdge(app(), "errorOutput:notify").actions[1]?.errorOutput).toEqual({ enabled: false });
    expect(removeEdge(app(), "input:notify")).toEqual(app());
  });

  it("reconnecting a source edge's channel end moves the event source to that channel", () => {
    const next = reconnectEdge(app(), "source:readings", {
      source: "source:readings",
      target: "channel:alerts",
    });
    expect(next?.channels[0]?.eventSource).toBeUndefined();
    expect(next?.channels[1]?.eventSource).toEqual({ type: "api", enabled: true, config: {} });
  });

  it("reconnecting an input edge's channel end sets the action's input channel", () => {
    const next = reconnectEdge(app(), "input:notify", {
      source: "channel:failures",
      target: "action:notify",
    });
    expect(next?.actions.map((action) => action.channelId)).toEqual(["readings", "failures", "failures"]);
  });

  it("reconnecting an output or error output edge's channel end sets only that output's channel", () => {
    const output = reconnectEdge(app(), "output:too-warm", {
      source: "action:too-warm",
      sourceHandle: "output",
      target: "channel:failures",
    });
    expect(output?.actions[0]?.output).toEqual({
      enabled: true,
      channelId: "failures",
      splitArray: false,
      delaySeconds: 0,
    });
    expect(output?.actions[0]?.errorOutput).toEqual({ enabled: false });
    const errors = reconnectEdge(app(), "errorOutput:notify", {
      source: "action:notify",
      sourceHandle: "errorOutput",
      target: "channel:alerts",
    });
    expect(errors?.actions[1]?.errorOutput).toEqual({ enabled: true, channelId: "alerts" });
    expect(errors?.actions[1]?.output).toEqual(app().actions[1]?.output);
  });

  it("reconnecting an output that is off moves it and leaves it off", () => {
    const off = updateAction(app(), "too-warm", (action) => ({
      ...action,
      output: { ...action.output, enabled: false },
    }));
    const next = reconnectEdge(off, "output:too-warm", {
      source: "action:too-warm",
      sourceHandle: "output",
      target: "channel:failures",
    });
    expect(next?.actions[0]?.output).toMatchObject({ enabled: false, channelId: "failures" });
  });

  it("refuses a reconnection that connect refuses, that moves the end owning the field, or that changes nothing", () => {
    const withTwo = addEventSource(app(), "api", "alerts").app;
    expect(
      reconnectEdge(withTwo, "source:readings", { source: "source:readings", target: "channel:alerts" }),
    ).toBeUndefined();
    expect(
      reconnectEdge(app(), "output:too-warm", {
        source: "action:too-warm",
        sourceHandle: "output",
        target: "source:readings",
      }),
    ).toBeUndefined();
    // the action end of an input edge: the old action would be left without an input channel
    expect(
      reconnectEdge(app(), "input:notify", { source: "channel:alerts", target: "action:tell" }),
    ).toBeUndefined();
    expect(
      reconnectEdge(app(), "input:notify", { source: "channel:alerts", target: "action:notify" }),
    ).toBeUndefined();
    expect(
      reconnectEdge(app(), "errorOutput:notify", {
        source: "action:notify",
        sourceHandle: "errorOutput",
        target: "channel:failures",
      }),
    ).toBeUndefined();
  });

  it("a reconnection is one undo step and a refused one is none", () => {
    const start = initialEditorState(app());
    const reconnect = (edgeId: string, connection: Parameters<typeof reconnectEdge>[2]) => ({
      type: "edit" as const,
      change: (current: typeof start.app) => reconnectEdge(current, edgeId, connection) ?? current,
    });
    const moved = editorReducer(
      start,
      reconnect("input:notify", { source: "channel:failures", target: "action:notify" }),
    );
    expect(moved.past).toHaveLength(1);
    expect(moved.app.actions[1]?.channelId).toBe("failures");
    const undone = editorReducer(moved, { type: "undo" });
    expect(undone.app).toEqual(app());
    expect(undone.past).toHaveLength(0);
    expect(
      editorReducer(start, reconnect("input:notify", { source: "channel:alerts", target: "action:tell" })),
    ).toBe(start);
  });

  it("changing an action's type starts a new config and keeps the common fields", () => {
    const next = changeActionType(app(), "notify", "slack");
    expect(next.actions[1]).toMatchObject({
      type: "slack",
      config: { url: "", text: "" },
      description: "calls the pager",
    });
  });

  it("setIn copies along the path and removes a key set to undefined", () => {
    const value = { a: { b: 1, c: [1, 2] }, d: 2 };
    const next = setIn(value, ["a", "c", 1], 5);
    expect(next).toEqual({ a: { b: 1, c: [1, 5] }, d: 2 });
    expect(value.a.c[1]).toBe(2);
    expect(setIn(value, ["a", "b"], undefined)).toEqual({ a: { c: [1, 2] }, d: 2 });
  });
});
