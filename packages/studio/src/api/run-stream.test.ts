import { describe, expect, it } from "vitest";
import type { RunStep } from "../editor/contract.ts";
import { applyRunEvent, EventStreamParser } from "./run-stream.ts";

function step(stepId: string, status: string, startedAt: number): RunStep {
  return {
    stepId,
    messageId: "m",
    channelId: "in",
    actionId: stepId,
    actionType: "webhook",
    status,
    conditionValue: true,
    input: null,
    result: null,
    error: null,
    usage: null,
    attempts: 1,
    startedAt,
    finishedAt: null,
  };
}

describe("the run stream", () => {
  it("parses events split across chunks, and ignores comments", () => {
    const parser = new EventStreamParser();
    const text = `event: run\ndata: {"runId":"r","channelId":"in","status":"running","steps":[]}\n\n: keep-alive\n\nevent: end\ndata: {"runId":"r","status":"completed"}\n\n`;
    const events = [
      ...parser.push(text.slice(0, 30)),
      ...parser.push(text.slice(30, 95)),
      ...parser.push(text.slice(95)),
    ];
    expect(events.map((event) => event.event)).toEqual(["run", "end"]);
    expect(events[1]?.data).toEqual({ runId: "r", status: "completed" });
  });

  it("replaces a step by id as it moves on, keeps steps in start order, and takes the end's status", () => {
    let view = applyRunEvent(undefined, {
      event: "run",
      data: { runId: "r", channelId: "in", status: "running", steps: [step("b", "completed", 2)] },
    });
    view = applyRunEvent(view, { event: "step", data: step("a", "running", 1) });
    view = applyRunEvent(view, { event: "step", data: step("a", "failed", 1) });
    view = applyRunEvent(view, { event: "end", data: { runId: "r", status: "failed" } });
    expect(view?.status).toBe("failed");
    expect(view?.steps.map((item) => `${item.stepId}:${item.status}`)).toEqual(["a:failed", "b:completed"]);
  });
});
