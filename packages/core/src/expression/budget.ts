// The step and time budget of one evaluation. Every function is linear in its input and strings
// are capped at MAX_STRING_LENGTH, but an expression of 16 Ki characters can still call hundreds of
// them on megabyte strings; the budget stops it with expression_limit before it holds the event
// loop that every tenant's messages share.
import { ExpressionError } from "./errors.ts";
import { MAX_EVALUATION_MS, MAX_EVALUATION_STEPS } from "./limits.ts";
import type { JsonValue } from "./values.ts";

export interface BudgetLimits {
  /** Steps: one per node evaluated, plus the characters or elements each function reads and writes. */
  maxSteps?: number;
  /** Milliseconds of wall-clock time. */
  maxMilliseconds?: number;
}

export class EvaluationBudget {
  private steps = 0;
  private readonly maxSteps: number;
  private readonly deadline: number;
  private readonly maxMilliseconds: number;

  constructor(limits: BudgetLimits = {}) {
    this.maxSteps = limits.maxSteps ?? MAX_EVALUATION_STEPS;
    this.maxMilliseconds = limits.maxMilliseconds ?? MAX_EVALUATION_MS;
    this.deadline = performance.now() + this.maxMilliseconds;
  }

  /** Counts `steps` of work done; throws expression_limit once either budget is spent. */
  spend(steps: number): void {
    this.steps += steps;
    if (this.steps > this.maxSteps) {
      throw new ExpressionError(
        "expression_limit",
        `Expression does too much work: over the budget of ${this.maxSteps.toLocaleString("en-US")} steps in one evaluation (large strings count by their length)`,
      );
    }
    if (performance.now() > this.deadline) {
      throw new ExpressionError(
        "expression_limit",
        `Expression ran past its time budget of ${this.maxMilliseconds} ms in one evaluation`,
      );
    }
  }
}

/** Steps per array element or object key: each is a value allocated or visited, not a character. */
const STEPS_PER_ELEMENT = 4;

/** What a value costs to read or write: its length for strings, its elements or keys for arrays and objects. */
export function sizeOf(value: JsonValue): number {
  if (typeof value === "string") return value.length;
  if (Array.isArray(value)) return value.length * STEPS_PER_ELEMENT;
  if (value !== null && typeof value === "object") return Object.keys(value).length * STEPS_PER_ELEMENT;
  return 1;
}
