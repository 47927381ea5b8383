import { isRunnableActionType, validateApp } from "@conflux/core";
import { describe, expect, it } from "vitest";
import { actionTypes } from "./app-edits.ts";
import { definitionOf } from "./contract.ts";
import { positionsOf } from "./graph.ts";
import { columnGap, readLayout } from "./layout.ts";
import { addFromPalette } from "./palette.ts";
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
