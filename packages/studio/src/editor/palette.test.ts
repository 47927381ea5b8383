import { isRunnableActionType, validateApp } from "@conflux/core";
import { describe, expect, it } from "vitest";
import { actionTypes } from "./app-edits.ts";
import { definitionOf } from "./contract.ts";
import { positionsOf } from "./graph.ts";
import { columnGap, readLayout } from "./layout.ts";
import { addFromPalette, fitsOnEdge } from "./palette.ts";
import { coldChainApp } from "./test-apps.ts";

const app = () => definitionOf(coldChainApp());
const empty = { name: "Empty", description: "", tags: {}, channels: [], actions: [] };

describe("adding from the palette", () => {
  it("an action added to an empty app gets a channel to listen on, and a valid app results", () => {
    const { app: next, nodeId } = addFromPalette(
      empty,
      { kind: "action", type: "slack" },
      { selected: null },
    );
    expect(nodeId).toBe("action:slack-1");
    expect(next.channels.map((c) => c.channelId)).toEqual(["channel-1"]);
    expect(next.actions[0]?.channelId).toBe("channel-1");
    const layout = readLayout(next);
    expect(layout["action:slack-1"]?.x).toBe((layout["channel:channel-1"]?.x ?? 0) + columnGap);
  });

  it("an action added with a channel selected listens on it and sits right of it", () => {
    const before = positionsOf(app());
    const { app: next, nodeId } = addFromPalette(
      app(),
      { kind: "action", type: "email" },
      { selected: "channel:alerts" },
    );
    expect(next.actions.at(-1)?.channelId).toBe("alerts");
    const layout = readLayout(next);
    expect(layout[nodeId]?.x).toBe((before["channel:alerts"]?.x ?? 0) + columnGap);
    // every existing node keeps where it was
    for (const [id, position] of Object.entries(before)) expect(layout[id], id).toEqual(position);
  });

  it("an action added after a selected action without output is chained through a new channel", () => {
    const { app: next } = addFromPalette(
      app(),
      { kind: "action", type: "slack" },
      { selected: "action:tell" },
    );
    const tell = next.actions.find((a) => a.actionId === "tell");
    const added = next.actions.at(-1);
    expect(tell?.output).toMatchObject({ enabled: true, channelId: added?.channelId });
    expect(next.channels.find((c) => c.channelId === added?.channelId)?.name).toBe("Tell LINE output");
  });

  it("a dropped node sits where it was dropped", () => {
    const { app: next, nodeId } = addFromPalette(
      app(),
      { kind: "channel" },
      { selected: null, at: { x: 700, y: 333 } },
    );
    expect(readLayout(next)[nodeId]).toEqual({ x: 700, y: 333 });
  });

  it("an event source added with a channel selected goes on it, else on a new channel", () => {
    const onAlerts = addFromPalette(
      app(),
      { kind: "source", type: "interval-timer" },
      { selected: "channel:alerts" },
    );
    expect(onAlerts.nodeId).toBe("source:alerts");
    const fresh = addFromPalette(app(), { kind: "source", type: "api" }, { selected: null });
    expect(fresh.nodeId).toBe("source:channel-1");
    expect(validateApp(fresh.app).ok).toBe(true);
  });

  it("offers Flux's LINE, collect and file output actions as runnable types; a collect added is valid as it is", () => {
    for (const type of ["line-notification", "collect", "file-write"] as const) {
      expect(actionTypes).toContain(type);
      expect(isRunnableActionType(type)).toBe(true);
    }
    const { app: next } = addFromPalette(empty, { kind: "action", type: "collect" }, { selected: null });
    expect(next.actions[0]?.config).toEqual({ count: 10, windowSeconds: 60 });
    expect(validateApp(next).ok).toBe(true);
  });
});

describe("inserting an action on a connection", () => {
  it("channel → action becomes channel → new action → channel → action, the rest moved right", () => {
    const before = positionsOf(app());
    expect(fitsOnEdge(app(), "input:notify", { kind: "action", type: "code" })).toBe(true);
    const { app: next, nodeId } = addFromPalette(
      app(),
      { kind: "action", type: "republish" },
      { selected: null, edgeId: "input:notify" },
    );
    expect(nodeId).toBe("action:republish-1");
    const added = next.actions.find((action) => action.actionId === "republish-1");
    const notify = next.actions.find((action) => action.actionId === "notify");
    expect(added?.channelId).toBe("alerts");
    expect(added?.output).toMatchObject({ enabled: true, channelId: notify?.channelId });
    expect(next.channels.find((c) => c.channelId === notify?.channelId)?.name).toBe("republish 2 output");
    expect(validateApp(next).ok).toBe(validateApp(app()).ok);
    const layout = readLayout(next);
    // the new action takes the old place of the connection's far end, which moves two columns right with what follows
    expect(layout[nodeId]).toEqual(before["action:notify"]);
    expect(layout["action:notify"]?.x).toBe((before["action:notify"]?.x ?? 0) + 2 * columnGap);
    expect(layout["channel:failures"]?.x).toBe((before["channel:failures"]?.x ?? 0) + 2 * columnGap);
    // what comes before stays
    expect(layout["channel:alerts"]).toEqual(before["channel:alerts"]);
    expect(layout["source:readings"]).toEqual(before["source:readings"]);
  });

  it("action → channel becomes action → channel → new action → channel; an error output stays an error output", () => {
    const { app: next, nodeId } = addFromPalette(
      app(),
      { kind: "action", type: "slack" },
      { selected: null, edgeId: "errorOutput:notify" },
    );
    const notify = next.actions.find((action) => action.actionId === "notify");
    const added = next.actions.find((action) => `action:${action.actionId}` === nodeId);
    expect(notify?.errorOutput).toMatchObject({ enabled: true, channelId: added?.channelId });
    expect(next.channels.find((c) => c.channelId === added?.channelId)?.name).toBe("Notify errors");
    expect(added?.output).toMatchObject({ enabled: true, channelId: "failures" });
    expect(next.actions.find((action) => action.actionId === "tell")?.channelId).toBe("failures");
  });

  it("an output that was off stays off; a source's connection takes no action and the drop adds it as usual", () => {
    const off = addFromPalette(
      app(),
      { kind: "action", type: "code" },
      { selected: null, edgeId: "output:notify" },
    );
    expect(off.app).toBeDefined();
    const base = app();
    base.actions = base.actions.map((a) =>
      a.actionId === "too-warm" ? { ...a, output: { ...a.output, enabled: false } } : a,
    );
    const { app: next } = addFromPalette(
      base,
      { kind: "action", type: "code" },
      { selected: null, edgeId: "output:too-warm" },
    );
    expect(next.actions.find((a) => a.actionId === "too-warm")?.output.enabled).toBe(false);

    expect(fitsOnEdge(app(), "source:readings", { kind: "action", type: "code" })).toBe(false);
    expect(fitsOnEdge(app(), "input:notify", { kind: "channel" })).toBe(false);
    expect(fitsOnEdge(app(), "input:notify", { kind: "action", type: "line" })).toBe(false);
    const dropped = addFromPalette(
      app(),
      { kind: "action", type: "code" },
      { selected: null, edgeId: "source:readings", at: { x: 5, y: 6 } },
    );
    expect(readLayout(dropped.app)[dropped.nodeId]).toEqual({ x: 5, y: 6 });
  });
});
