import { describe, expect, it } from "vitest";
import type { RunStep, RunView } from "./contract.ts";
import { definitionOf } from "./contract.ts";
import { actionRunStates, countStatuses, formatDuration, visitedChannels } from "./run-overlay.ts";
import { coldChainApp } from "./test-apps.ts";

function step(
  actionId: string,
  status: string,
  startedAt: number,
  finishedAt: number | null = startedAt + 5,
): RunStep {
  return {
    stepId: `${actionId}-${startedAt}`,
    messageId: "m",
    channelId: "alerts",
    actionId,
    actionType: "webhook",
    status,
    conditionValue: status !== "skipped",
    input: { t: 9 },
    result: null,
    error: null,
    usage: null,
    attempts: 1,
    startedAt,
    finishedAt,
  };
}

const app = definitionOf(coldChainApp());

describe("run overlay", () => {
  it("gives each action its latest step's status; unreached actions wait while the run runs", () => {
    const run: RunView = {
      runId: "r",
      channelId: "readings",
      status: "running",
      steps: [
        step("notify", "completed", 20),
        step("too-warm", "retrying", 10),
        step("notify", "failed", 30),
      ],
    };
    const states = actionRunStates(app, run);
    expect(states.get("too-warm")?.status).toBe("retrying");
    expect(states.get("notify")?.status).toBe("failed");
    expect(states.get("notify")?.steps.map((s) => s.startedAt)).toEqual([20, 30]);
    expect(states.get("tell")?.status).toBe("waiting");
    expect(countStatuses(states)).toEqual([
      { status: "failed", count: 1 },
      { status: "retrying", count: 1 },
      { status: "waiting", count: 1 },
    ]);
  });

  it("after the run, an unreached action is 'not reached'; a condition false is skipped", () => {
    const run: RunView = {
      runId: "r",
      channelId: "readings",
      status: "completed",
      steps: [step("too-warm", "skipped", 1)],
    };
    const states = actionRunStates(app, run);
    expect([...states.values()].map((s) => s.status)).toEqual(["skipped", "not-run", "not-run"]);
  });

  it("lists the channels the run passed through", () => {
    const run: RunView = {
      runId: "r",
      channelId: "readings",
      status: "completed",
      steps: [step("notify", "completed", 1)],
    };
    expect([...visitedChannels(run)]).toEqual(["readings", "alerts"]);
  });

  it("formats durations from start to finish", () => {
    expect(formatDuration({ startedAt: 100, finishedAt: 135 })).toBe("35 ms");
    expect(formatDuration({ startedAt: 0, finishedAt: 1_234 })).toBe("1.23 s");
    expect(formatDuration({ startedAt: 0, finishedAt: null })).toBe("running");
  });
});
