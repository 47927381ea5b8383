// A run laid over the canvas: each action's status in the run, and what its steps saw and did.
import type { AppDefinition } from "@conflux/core";
import type { RunStep, RunView } from "./contract.ts";

/**
 * Step statuses come from the history API (completed, skipped, disabled, failed, retrying, running);
 * `waiting` is an action the live run has not reached yet, `not-run` one a finished run never reached.
 */
export type ActionRunStatus =
  | "completed"
  | "failed"
  | "skipped"
  | "disabled"
  | "retrying"
  | "running"
  | "waiting"
  | "not-run";

export interface ActionRunState {
  status: ActionRunStatus;
  /** Oldest first; an action runs more than once in a run when a loop or a split array reaches it again. */
  steps: RunStep[];
}

export const statusLabels: Record<ActionRunStatus, string> = {
  completed: "completed",
  failed: "failed",
  skipped: "skipped (condition false)",
  disabled: "disabled",
  retrying: "retrying",
  running: "running",
  waiting: "waiting",
  "not-run": "not reached",
};

const knownStatuses = new Set<string>(Object.keys(statusLabels));

/** The status an action shows: its latest step's, or waiting / not reached when it has none. */
export function actionRunStates(app: AppDefinition, run: RunView): Map<string, ActionRunState> {
  const states = new Map<string, ActionRunState>();
  for (const action of app.actions) {
    const steps = run.steps
      .filter((step) => step.actionId === action.actionId)
      .sort((a, b) => a.startedAt - b.startedAt);
    const latest = steps.at(-1);
    let status: ActionRunStatus;
    if (latest) status = knownStatuses.has(latest.status) ? (latest.status as ActionRunStatus) : "running";
    else status = run.status === "running" ? "waiting" : "not-run";
    states.set(action.actionId, { status, steps });
  }
  return states;
}

/** How many actions are in each status, in a stable order, leaving out the zeros. */
export function countStatuses(
  states: ReadonlyMap<string, ActionRunState>,
): { status: ActionRunStatus; count: number }[] {
  const counts = new Map<ActionRunStatus, number>();
  for (const { status } of states.values()) counts.set(status, (counts.get(status) ?? 0) + 1);
  return (Object.keys(statusLabels) as ActionRunStatus[])
    .filter((status) => counts.has(status))
    .map((status) => ({ status, count: counts.get(status) as number }));
}

export function visitedChannels(run: RunView): Set<string> {
  return new Set([run.channelId, ...run.steps.map((step) => step.channelId)]);
}

/** "1.2 s", "35 ms", or "running" for a step that has not finished. */
export function formatDuration(step: Pick<RunStep, "startedAt" | "finishedAt">): string {
  if (step.finishedAt === null) return "running";
  const ms = step.finishedAt - step.startedAt;
  return ms < 1_000 ? `${ms} ms` : `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
