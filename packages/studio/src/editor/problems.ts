// Problems in an app (from core's validateApp while editing, or from the server on save) located on
// the canvas: which node, which field of its form, and the column inside an expression.
import type { AppDefinition, AppProblem } from "@conflux/core";
import { nodeIdOf } from "./app-edits.ts";
import type { FieldProblem } from "./contract.ts";

export interface LocatedProblem {
  /** The canvas node, or null for the app itself (name, description, limits). */
  nodeId: string | null;
  /** The field within the node's form as a dotted path, e.g. `condition`, `config.url`, `config.cron`. */
  field: string;
  message: string;
  column?: number;
}

/** The API's `details[]` carries the path as `actions.2.condition`; the contract as an array. Both are accepted. */
function pathOf(problem: FieldProblem | AppProblem): string[] {
  const path = problem.path as string | (string | number)[];
  return (typeof path === "string" ? path.split(".") : path.map(String)).filter((part) => part !== "");
}

export function locateProblem(app: AppDefinition, problem: FieldProblem | AppProblem): LocatedProblem {
  const [collection, index, ...rest] = pathOf(problem);
  const base = {
    message: problem.message,
    ...(problem.column === undefined ? {} : { column: problem.column }),
  };
  const position = Number(index);
  if (collection === "actions" && Number.isInteger(position)) {
    const action = app.actions[position];
    if (action)
      return { ...base, nodeId: nodeIdOf({ kind: "action", id: action.actionId }), field: rest.join(".") };
  }
  if (collection === "channels" && Number.isInteger(position)) {
    const channel = app.channels[position];
    if (channel) {
      const [first, ...sourceField] = rest;
      if (first === "eventSource" && channel.eventSource)
        return {
          ...base,
          nodeId: nodeIdOf({ kind: "source", id: channel.channelId }),
          field: sourceField.join("."),
        };
      return { ...base, nodeId: nodeIdOf({ kind: "channel", id: channel.channelId }), field: rest.join(".") };
    }
  }
  return { ...base, nodeId: null, field: [collection, index, ...rest].filter(Boolean).join(".") };
}

export function locateProblems(
  app: AppDefinition,
  problems: readonly (FieldProblem | AppProblem)[],
): LocatedProblem[] {
  return problems.map((problem) => locateProblem(app, problem));
}

export function countByNode(problems: readonly LocatedProblem[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { nodeId } of problems) if (nodeId) counts.set(nodeId, (counts.get(nodeId) ?? 0) + 1);
  return counts;
}

/**
 * The problems shown at one field. A field edited as a whole (a transform, a JSON value, a list)
 * also shows those of the values inside it (`nested`), e.g. a transform's `content`.
 */
export function problemsAt(
  problems: readonly LocatedProblem[],
  nodeId: string | null,
  field: string,
  nested = false,
): LocatedProblem[] {
  return problems.filter(
    (problem) =>
      problem.nodeId === nodeId &&
      (problem.field === field || (nested && (field === "" || problem.field.startsWith(`${field}.`)))),
  );
}

/** The messages of the problems at one field, joined for the text under it. */
export function messagesAt(
  problems: readonly LocatedProblem[],
  nodeId: string | null,
  field: string,
  nested = false,
): string | undefined {
  const found = problemsAt(problems, nodeId, field, nested);
  return found.length ? found.map((problem) => problem.message).join("; ") : undefined;
}
