// What the binary and unary operators do to JSON values. The rules, in short:
// - `+` concatenates when either side is a string (the other side as in a template: JSON text);
//   otherwise it adds numbers.
// - Arithmetic with null (a missing field) gives null; with booleans, arrays or objects it is a
//   type error; dividing by zero is a type error; a result that is not a finite number is a type
//   error.
// - `< <= > >=` compare two numbers, or two strings by UTF-16 code units; any other pair is false.
// - `==` / `!=` are deep structural equality without coercion.
import { ExpressionError } from "./errors.ts";
import type { BinaryOperator } from "./parser.ts";
import { checkStringLength, deepEqual, describeType, type JsonValue, toText } from "./values.ts";

// Errors thrown here carry no column; the evaluator adds the operator's.

function typeError(message: string): ExpressionError {
  return new ExpressionError("expression_type", message);
}

/** Turns -0 into 0 and refuses NaN and ±Infinity, which JSON cannot carry. */
export function finiteNumber(value: number): number {
  if (!Number.isFinite(value)) throw typeError("Result is not a finite number");
  return value === 0 ? 0 : value;
}

export function negate(value: JsonValue): JsonValue {
  if (value === null) return null;
  if (typeof value !== "number") throw typeError(`Cannot negate ${describeType(value)}`);
  return finiteNumber(-value);
}

export function applyBinary(operator: BinaryOperator, left: JsonValue, right: JsonValue): JsonValue {
  switch (operator) {
    case "==":
      return deepEqual(left, right);
    case "!=":
      return !deepEqual(left, right);
    case "<":
    case "<=":
    case ">":
    case ">=":
      return compare(operator, left, right);
    case "+":
      if (typeof left === "string" || typeof right === "string") return concatenate(left, right);
      return arithmetic(operator, left, right);
    default:
      return arithmetic(operator, left, right);
  }
}

function compare(operator: "<" | "<=" | ">" | ">=", left: JsonValue, right: JsonValue): boolean {
  const comparable =
    (typeof left === "number" && typeof right === "number") ||
    (typeof left === "string" && typeof right === "string");
  if (!comparable) return false;
  switch (operator) {
    case "<":
      return left < right;
    case "<=":
      return left <= right;
    case ">":
      return left > right;
    case ">=":
      return left >= right;
  }
}

function concatenate(left: JsonValue, right: JsonValue): string {
  const leftText = toText(left);
  const rightText = toText(right);
  checkStringLength(leftText.length + rightText.length);
  return leftText + rightText;
}

const OPERATION_NAMES: Partial<Record<BinaryOperator, string>> = {
  "+": "add",
  "-": "subtract",
  "*": "multiply",
  "/": "divide",
  "%": "take the remainder of",
};

const isNumberOrNull = (value: JsonValue): value is number | null =>
  value === null || typeof value === "number";

function arithmetic(operator: BinaryOperator, left: JsonValue, right: JsonValue): JsonValue {
  if ((left === null || right === null) && isNumberOrNull(left) && isNumberOrNull(right)) return null;
  if (typeof left !== "number" || typeof right !== "number") {
    throw typeError(
      `Cannot ${OPERATION_NAMES[operator] ?? operator} ${describeType(left)} and ${describeType(right)} with '${operator}'`,
    );
  }
  switch (operator) {
    case "+":
      return finiteNumber(left + right);
    case "-":
      return finiteNumber(left - right);
    case "*":
      return finiteNumber(left * right);
    default:
      if (right === 0) throw typeError(`Division by zero with '${operator}'`);
      return finiteNumber(operator === "/" ? left / right : left % right);
  }
}
