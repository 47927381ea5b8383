// JSON values as the expression language sees them. Every read goes through `readMember`, which
// only looks at own properties of plain objects and at array elements, so nothing an expression
// does can reach a prototype, a constructor or any other host object.
import { ExpressionError } from "./errors.ts";
import { MAX_STRING_LENGTH, MAX_VALUE_DEPTH } from "./limits.ts";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The variables of an evaluation: payload, context, event, result, error. */
export type Scope = Readonly<Record<string, JsonValue | undefined>>;

/** Marks a path that does not resolve (as opposed to one that resolves to `null`). */
export const MISSING: unique symbol = Symbol("missing");
export type Missing = typeof MISSING;

type TypeName = "null" | "boolean" | "number" | "string" | "array" | "object";

function typeOf(value: JsonValue): TypeName {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const type = typeof value;
  return type === "boolean" || type === "number" || type === "string" ? type : "object";
}

/** "a number", "an array", "null": for messages. */
export function describeType(value: JsonValue): string {
  const type = typeOf(value);
  if (type === "null") return "null";
  return type === "array" || type === "object" ? `an ${type}` : `a ${type}`;
}

/** JavaScript truthiness: false, null, 0 and "" are false; everything else, including [] and {}, is true. */
export function isTruthy(value: JsonValue): boolean {
  return value !== null && value !== false && value !== 0 && value !== "";
}

export function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Anything that is not JSON (undefined, a function, a class instance) reads as null. */
export function toJsonValue(value: unknown): JsonValue {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (Array.isArray(value) || isJsonObject(value)) return value;
  return null;
}

/** `container.key` / `container[key]`: an own property of a plain object or an element of an array. */
export function readMember(container: JsonValue, key: JsonValue): JsonValue | Missing {
  if (Array.isArray(container)) {
    if (typeof key === "number" && Number.isInteger(key) && key >= 0 && key < container.length) {
      return toJsonValue(container[key]);
    }
    return MISSING;
  }
  if (isJsonObject(container)) {
    const name = typeof key === "string" ? key : typeof key === "number" ? String(key) : undefined;
    if (name !== undefined && Object.hasOwn(container, name)) return toJsonValue(container[name]);
  }
  return MISSING;
}

export function readVariable(scope: Scope, name: string): JsonValue | Missing {
  if (!Object.hasOwn(scope, name)) return MISSING;
  const value = scope[name];
  return value === undefined ? MISSING : toJsonValue(value);
}

/** Builds an object whose keys are plain data: a key named "__proto__" becomes an own property. */
export function createObject(entries: Iterable<readonly [string, JsonValue]>): JsonObject {
  const object: JsonObject = {};
  for (const [key, value] of entries) {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return object;
}

/** Structural equality of JSON values: no coercion, object key order does not matter. */
export function deepEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => deepEqual(toJsonValue(item), toJsonValue(b[index])));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && deepEqual(toJsonValue(a[key]), toJsonValue(b[key])));
  }
  return false;
}

/** Throws when a string an expression produces would exceed the size limit. */
export function checkStringLength(length: number): void {
  if (length > MAX_STRING_LENGTH) {
    throw new ExpressionError(
      "expression_limit",
      `Result is longer than the limit of ${MAX_STRING_LENGTH.toLocaleString("en-US")} characters`,
    );
  }
}

/** JSON text of a value, like JSON.stringify, but stops with a limit error instead of building a huge string. */
export function stringifyJson(value: JsonValue): string {
  const parts: string[] = [];
  let length = 0;
  const push = (text: string): void => {
    length += text.length;
    checkStringLength(length);
    parts.push(text);
  };
  const visit = (item: JsonValue): void => {
    if (Array.isArray(item)) {
      push("[");
      item.forEach((element, index) => {
        if (index > 0) push(",");
        visit(toJsonValue(element));
      });
      push("]");
    } else if (isJsonObject(item)) {
      push("{");
      let first = true;
      for (const key of Object.keys(item)) {
        if (item[key] === undefined) continue;
        push(first ? JSON.stringify(key) : `,${JSON.stringify(key)}`);
        push(":");
        visit(toJsonValue(item[key]));
        first = false;
      }
      push("}");
    } else {
      push(JSON.stringify(item));
    }
  };
  visit(value);
  return parts.join("");
}

/** How a value reads inside text: strings as they are, everything else as JSON text (null → "null"). */
export function toText(value: JsonValue): string {
  return typeof value === "string" ? value : stringifyJson(value);
}

/** JSON.parse that refuses numbers JSON.parse would read as Infinity (1e400). */
export function parseJsonText(text: string, subject: string): JsonValue {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new ExpressionError("expression_type", `${subject} is not valid JSON: ${error.message}`);
  }
  // A walk with its own stack, not a reviver: a reviver costs a call per value, and recursion
  // would overflow on deeply nested text.
  const pending: Array<{ item: JsonValue; depth: number }> = [{ item: value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { item, depth } = next;
    if (typeof item === "number" && !Number.isFinite(item)) {
      throw new ExpressionError("expression_type", `${subject} is not valid JSON: Number out of range`);
    }
    if (item === null || typeof item !== "object") continue;
    if (depth >= MAX_VALUE_DEPTH) {
      throw new ExpressionError(
        "expression_limit",
        `${subject} is nested deeper than the limit of ${MAX_VALUE_DEPTH.toLocaleString("en-US")} levels`,
      );
    }
    for (const child of Array.isArray(item) ? item : Object.values(item))
      pending.push({ item: child, depth: depth + 1 });
  }
  return value;
}
