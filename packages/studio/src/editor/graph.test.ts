import { describe, expect, it } from "vitest";
import { removeNode } from "./app-edits.ts";
import { definitionOf } from "./contract.ts";
import { buildGraph, keepingPositions, moveNodes, positionsOf, summarizeCondition } from "./graph.ts";
import { readLayout } from "./layout.ts";
import { actionRunStates } from "./run-overlay.ts";
import { coldChainApp } from "./test-apps.ts";

const app = () => definitionOf(coldChainApp());

describe("graph", () => {
  it("has a node per event source, channel and action, carrying the element itself", () => {
    const { nodes } = buildGraph(app());
    expect(nodes.map((node) => node.id)).toEqual([
      "source:readings",
      "channel:readings",
      "channel:alerts",
      "channel:failures",
      "action:too-warm",
      "action:notify",
      "action:tell",
    ]);
    const notify = nodes.find((node) => node.id === "action:notify");
    expect(notify?.data).toMatchObject({
      kind: "action",
      action: app().actions[1],
      conditionSummary: "always",
    });
  });

  it("has an edge per connecting field, named after the field, error outputs labelled apart", () => {
    const { edges } = buildGraph(app());
    expect(
      edges.map((edge) => [edge.id, edge.source, edge.sourceHandle ?? null, edge.target, edge.label ?? null]),
    ).toEqual([
      ["source:readings", "source:readings", null, "channel:readings", null],
      ["input:too-warm", "channel:readings", null, "action:too-warm", null],
      ["output:too-warm", "action:too-warm", "output", "channel:alerts", "output"],
      ["input:notify", "channel:alerts", null, "action:notify", null],
      ["errorOutput:notify", "action:notify", "errorOutput", "channel:failures", "error"],
      ["input:tell", "channel:failures", null, "action:tell", null],
    ]);
    expect(edges.find((edge) => edge.id === "errorOutput:notify")?.className).toContain(
      "cfx-edge-errorOutput",
    );
  });

  it("shows a switched-off output that still names a channel as an 'off' edge, and no edge to a missing channel", () => {
    const definition = structuredClone(app());
    const [tooWarm, notify] = definition.actions;
    if (!tooWarm || !notify) throw new Error("test app changed");
    tooWarm.output.enabled = false;
    notify.channelId = "gone";
    const { edges } = buildGraph(definition);
    expect(edges.find((edge) => edge.id === "output:too-warm")?.label).toBe("output (off)");
    expect(edges.some((edge) => edge.id === "input:notify")).toBe(false);
  });

  it("lays out an app without stored positions from left to right", () => {
    const { nodes } = buildGraph(app());
    const x = (id: string) => nodes.find((node) => node.id === id)?.position.x ?? -1;
    expect(x("source:readings")).toBeLessThan(x("channel:readings"));
    expect(x("channel:readings")).toBeLessThan(x("action:too-warm"));
    expect(x("action:too-warm")).toBeLessThan(x("channel:alerts"));
    expect(x("action:notify")).toBeLessThan(x("channel:failures"));
    expect(x("channel:failures")).toBeLessThan(x("action:tell"));
  });

  it("marks actions with their run state and animates the inputs a run went through", () => {
    const definition = app();
    const run = {
      runId: "r",
      channelId: "readings",
      status: "running" as const,
      steps: [
        {
          stepId: "1",
          messageId: "m",
          channelId: "readings",
          actionId: "too-warm",
          actionType: "republish",
          status: "completed",
          conditionValue: true,
          input: {},
          result: {},
          error: null,
          usage: null,
          attempts: 1,
          startedAt: 1,
          finishedAt: 2,
        },
      ],
    };
    const { nodes, edges } = buildGraph(definition, { runStates: actionRunStates(definition, run) });
    expect(nodes.find((n) => n.id === "action:too-warm")?.data).toMatchObject({
      run: { status: "completed" },
    });
    expect(nodes.find((n) => n.id === "action:notify")?.data).toMatchObject({ run: { status: "waiting" } });
    expect(edges.find((e) => e.id === "input:too-warm")?.animated).toBe(true);
    expect(edges.find((e) => e.id === "input:notify")?.animated).toBeUndefined();
    expect(edges.find((e) => e.id === "output:too-warm")?.animated).toBe(true);
    expect(edges.find((e) => e.id === "errorOutput:notify")?.animated).toBeUndefined();
    const [completed] = run.steps;
    if (!completed) throw new Error("the run has a step");
    const failed = {
      ...run,
      steps: [...run.steps, { ...completed, stepId: "2", actionId: "notify", status: "failed" }],
    };
    const withFailure = buildGraph(definition, { runStates: actionRunStates(definition, failed) }).edges;
    expect(withFailure.find((e) => e.id === "errorOutput:notify")?.animated).toBe(true);
    expect(withFailure.find((e) => e.id === "output:notify")).toBeUndefined();
  });

  it("summarizes a condition on one short line", () => {
    expect(summarizeCondition("")).toBe("always");
    expect(summarizeCondition("payload.temp >\n   8")).toBe("payload.temp > 8");
    expect(summarizeCondition(`payload.a == ${"1".repeat(60)}`)).toHaveLength(40);
  });

  it("removing a node from an automatically laid out app keeps the others where they were", () => {
    const before = positionsOf(app());
    const next = keepingPositions((current) => removeNode(current, { kind: "action", id: "too-warm" }))(
      app(),
    );
    const after = readLayout(next);
    expect(after["action:too-warm"]).toBeUndefined();
    for (const id of [
      "source:readings",
      "channel:alerts",
      "action:notify",
      "channel:failures",
      "action:tell",
    ])
      expect(after[id], id).toEqual(before[id]);
    // without the change, positionsOf would have reflowed: Notify moves a column left
    expect(positionsOf(removeNode(app(), { kind: "action", id: "too-warm" }))["action:notify"]).not.toEqual(
      before["action:notify"],
    );
  });

  it("round trip: the app rebuilt from the nodes and the edges alone equals the app", () => {
    const original = app();
    const { nodes, edges } = buildGraph(original);
    const idOf = (nodeId: string) => nodeId.slice(nodeId.indexOf(":") + 1);
    const targetOf = (edgeId: string) => {
      const edge = edges.find((candidate) => candidate.id === edgeId);
      return edge ? idOf(edge.target) : undefined;
    };
    const channels = nodes.flatMap((node) => {
      if (node.data.kind !== "channel") return [];
      const { eventSource: _fromSourceNode, ...channel } = node.data.channel;
      const sourceEdge = edges.find((edge) => edge.target === node.id && edge.id.startsWith("source:"));
      const source = nodes.find((candidate) => candidate.id === sourceEdge?.source)?.data;
      return [source?.kind === "source" ? { ...channel, eventSource: source.source } : channel];
    });
    const actions = nodes.flatMap((node) => {
      if (node.data.kind !== "action") return [];
      const { channelId: _input, output, errorOutput, ...action } = node.data.action;
      const input = edges.find((edge) => edge.target === node.id && edge.id.startsWith("input:"));
      const { channelId: _output, ...outputRest } = output;
      const { channelId: _error, ...errorRest } = errorOutput;
      const outputChannel = targetOf(`output:${action.actionId}`);
      const errorChannel = targetOf(`errorOutput:${action.actionId}`);
      return [
        {
          ...action,
          channelId: input ? idOf(input.source) : "",
          output: outputChannel ? { ...outputRest, channelId: outputChannel } : outputRest,
          errorOutput: errorChannel ? { ...errorRest, channelId: errorChannel } : errorRest,
        },
      ];
    });
    const { channels: _c, actions: _a, ...appFields } = original;
    expect({ ...appFields, channels, actions }).toEqual(original);
  });

  it("a move stores every node's position; a move to the same place changes nothing", () => {
    const original = app();
    const moved = moveNodes([{ id: "action:notify", position: { x: 900, y: 480 } }])(original);
    expect(readLayout(moved)["action:notify"]).toEqual({ x: 900, y: 480 });
    expect(readLayout(moved)["channel:alerts"]).toEqual(positionsOf(original)["channel:alerts"]);
    expect(moveNodes([{ id: "action:notify", position: { x: 900.2, y: 480 } }])(moved)).toBe(moved);
  });
});
