// Expressions and conditions: the whole source is one expression. Compiling parses once (and
// reports syntax errors with their column); the compiled form can be evaluated any number of times.
import { ExpressionError } from "./errors.ts";
import { type EvaluationOptions, evaluateNode } from "./evaluator.ts";
import { MAX_EXPRESSION_LENGTH } from "./limits.ts";
import { parseExpression } from "./parser.ts";
import { describeType, type JsonValue, type Scope, stringifyJson } from "./values.ts";

export interface CompiledExpression {
  evaluate(scope: Scope, options?: EvaluationOptions): JsonValue;
}

export interface CompiledCondition {
  evaluate(scope: Scope, options?: EvaluationOptions): boolean;
}

/** Refuses over-long sources before any work is done on them. */
export function checkSourceLength(source: string, limit: number, what: string): void {
  if (source.length > limit) {
    throw new ExpressionError(
      "expression_limit",
      `${what} is ${source.length.toLocaleString("en-US")} characters long; the limit is ${limit.toLocaleString("en-US")}`,
    );
  }
}

export function compileExpression(source: string): CompiledExpression {
  checkSourceLength(source, MAX_EXPRESSION_LENGTH, "Expression");
  const node = parseExpression(source);
  return { evaluate: (scope, options) => evaluateNode(node, scope, options) };
}

const ALWAYS_TRUE: CompiledCondition = { evaluate: () => true };

/** An empty or blank condition is always true. Evaluating throws condition_not_boolean for non-booleans. */
export function compileCondition(source: string): CompiledCondition {
  checkSourceLength(source, MAX_EXPRESSION_LENGTH, "Condition");
  if (source.trim() === "") return ALWAYS_TRUE;
  const node = parseExpression(source);
  return {
    evaluate: (scope, options) => {
      const value = evaluateNode(node, scope, options);
      if (typeof value !== "boolean") throw notBoolean(value);
      return value;
    },
  };
}

function notBoolean(value: JsonValue): ExpressionError {
  let got = describeType(value);
  if (value === null) {
    got += " (is a field missing? compare it, e.g. payload.x == true, or test it with exists(payload.x))";
  } else if (typeof value === "number" || typeof value === "string") {
    const text = stringifyJson(value);
    got += ` (${text.length > 40 ? `${text.slice(0, 40)}…` : text})`;
  }
  return new ExpressionError(
    "condition_not_boolean",
    `Condition must be true or false, but it evaluated to ${got}`,
  );
}

/** The syntax error (or limit error) of a condition, or undefined when it compiles. Never throws. */
export function checkCondition(source: string): ExpressionError | undefined {
  try {
    compileCondition(source);
    return undefined;
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
}
