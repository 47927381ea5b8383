// Walks a syntax tree against a scope. Evaluation is pure: it reads the scope, calls catalogue
// functions and the clock, and returns a JSON value or throws an ExpressionError. Each evaluation
// spends from a budget (budget.ts), so no expression holds the event loop for long.
import { type BudgetLimits, EvaluationBudget, sizeOf } from "./budget.ts";
import { ExpressionError } from "./errors.ts";
import { type FunctionContext, functionsByName } from "./functions.ts";
import { applyBinary, negate } from "./operators.ts";
import type { Node } from "./parser.ts";
import {
  checkStringLength,
  createObject,
  isTruthy,
  type JsonValue,
  MISSING,
  type Missing,
  readMember,
  readVariable,
  type Scope,
} from "./values.ts";

export interface EvaluationOptions {
  /** The clock for now(), in Unix ms; default Date.now. */
  now?: () => number;
  /** Steps and milliseconds one evaluation may spend; the defaults are in limits.ts. */
  budget?: BudgetLimits;
}

interface Environment extends FunctionContext {
  readonly scope: Scope;
  readonly budget: EvaluationBudget;
}

/**
 * Evaluates a parsed expression. Errors raised deep inside (limits, functions) get the column of the
 * node. A caller evaluating several nodes as one evaluation (the parts of a template) passes one budget.
 */
export function evaluateNode(
  node: Node,
  scope: Scope,
  options?: EvaluationOptions,
  budget: EvaluationBudget = new EvaluationBudget(options?.budget),
): JsonValue {
  const environment: Environment = { scope, now: options?.now ?? Date.now, budget };
  return withinLimits(() => evaluate(node, environment));
}

/**
 * Runs work on values. A value from jsonParse or the scope can be nested deep enough to exhaust the
 * stack while it is compared or serialised; V8 reports that, and over-long strings, as RangeError.
 */
export function withinLimits<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof RangeError) {
      throw new ExpressionError("expression_limit", "Value is too deeply nested or too large to process");
    }
    throw error;
  }
}

/** Runs `work`; an ExpressionError without a column gets the column of `node`. */
function atColumn<T>(column: number, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ExpressionError && error.column === undefined) {
      throw new ExpressionError(error.code, error.message, column);
    }
    throw error;
  }
}

function evaluate(node: Node, environment: Environment): JsonValue {
  environment.budget.spend(1);
  switch (node.kind) {
    case "literal":
      return node.value;
    case "variable":
    case "path": {
      const value = resolve(node, environment);
      return value === MISSING ? null : value;
    }
    case "array":
      return node.elements.map((element) => evaluate(element, environment));
    case "object":
      return createObject(node.entries.map(({ key, value }) => [key, evaluate(value, environment)] as const));
    case "unary": {
      const operand = evaluate(node.operand, environment);
      return node.operator === "!" ? !isTruthy(operand) : atColumn(node.column, () => negate(operand));
    }
    case "binary": {
      let value = evaluate(node.first, environment);
      for (const { operator, operand, column } of node.rest) {
        const left = value;
        const right = evaluate(operand, environment);
        environment.budget.spend(sizeOf(left) + sizeOf(right));
        value = atColumn(column, () => applyBinary(operator, left, right));
      }
      return value;
    }
    case "logical": {
      // Short-circuit, JavaScript truthiness for operands, always a boolean result.
      const wanted = node.operator === "||";
      for (const operand of node.operands) {
        if (isTruthy(evaluate(operand, environment)) === wanted) return wanted;
      }
      return !wanted;
    }
    case "conditional":
      return isTruthy(evaluate(node.test, environment))
        ? evaluate(node.consequent, environment)
        : evaluate(node.alternate, environment);
    case "call":
      return call(node, environment);
  }
}

/** The value at a variable or path, or MISSING when some step does not exist. */
function resolve(node: Node, environment: Environment): JsonValue | Missing {
  if (node.kind === "variable") return readVariable(environment.scope, node.name);
  if (node.kind !== "path") return evaluate(node, environment);
  let value = resolve(node.base, environment);
  for (const step of node.steps) {
    if (value === MISSING) return MISSING;
    value = readMember(value, step.kind === "member" ? step.name : evaluate(step.index, environment));
  }
  return value;
}

function call(node: Extract<Node, { kind: "call" }>, environment: Environment): JsonValue {
  const definition = functionsByName.get(node.name);
  if (definition === undefined) {
    throw new ExpressionError(
      "expression_type",
      `Unknown function '${node.name}' (see the list of functions in the expression docs)`,
      node.column,
    );
  }
  if (definition.kind === "path") {
    const [argument] = node.args;
    if (
      node.args.length !== 1 ||
      argument === undefined ||
      (argument.kind !== "variable" && argument.kind !== "path")
    ) {
      throw new ExpressionError(
        "expression_type",
        `${node.name}() expects one path such as payload.temp`,
        node.column,
      );
    }
    return definition.call(resolve(argument, environment) !== MISSING);
  }
  const count = node.args.length;
  if (count < definition.minArgs || count > definition.maxArgs) {
    throw new ExpressionError(
      "expression_type",
      `${node.name}() takes ${describeArity(definition.minArgs, definition.maxArgs)}, got ${count}`,
      node.column,
    );
  }
  const args = node.args.map((argument) => evaluate(argument, environment));
  return atColumn(node.column, () => {
    environment.budget.spend(args.reduce((total: number, argument) => total + sizeOf(argument), 0));
    const result = definition.call(args, environment);
    if (typeof result === "string") checkStringLength(result.length);
    environment.budget.spend(sizeOf(result));
    return result;
  });
}

function describeArity(min: number, max: number): string {
  const plural = (count: number): string => `${count} argument${count === 1 ? "" : "s"}`;
  if (min === max) return plural(min);
  if (max === Number.POSITIVE_INFINITY) return `at least ${plural(min)}`;
  return `${min} to ${plural(max)}`;
}
