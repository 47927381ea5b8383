// The function catalogue, as data: each entry has its name, how many arguments it takes, the
// signature and description the studio shows, and its implementation. The evaluator looks names
// up here and nowhere else.
//
// Shared conventions: a null argument where a value is expected (a missing field, usually) gives
// null, except the predicates startsWith / endsWith / contains, which give false, and len, which
// gives 0. Any other wrong type is an expression_type error naming the function and argument.
import { formatDate, parseIsoDatetime, toDate } from "./dates.ts";
import { ExpressionError } from "./errors.ts";
import { finiteNumber } from "./operators.ts";
import { isDecimalNumber } from "./scanners.ts";
import {
  checkStringLength,
  deepEqual,
  describeType,
  isJsonObject,
  type JsonValue,
  parseJsonText,
  stringifyJson,
  toJsonValue,
  toText,
} from "./values.ts";

export interface FunctionContext {
  /** The clock for now(), in Unix ms. */
  now(): number;
}

interface Documented {
  readonly name: string;
  /** How the studio shows the call, e.g. "substring(text, start, end?)". */
  readonly signature: string;
  readonly description: string;
}

/** An ordinary function: gets its arguments evaluated. */
export interface ValueFunction extends Documented {
  readonly kind: "value";
  readonly minArgs: number;
  readonly maxArgs: number;
  call(args: readonly JsonValue[], context: FunctionContext): JsonValue;
}

/**
 * A special form that gets one unevaluated path (payload.a.b) and learns whether it resolves,
 * which a plain function cannot tell from a field that is present with the value null.
 */
export interface PathFunction extends Documented {
  readonly kind: "path";
  call(found: boolean): JsonValue;
}

export type ExpressionFunction = ValueFunction | PathFunction;

function argumentError(name: string, position: number, expected: string, got: JsonValue): ExpressionError {
  return new ExpressionError(
    "expression_type",
    `${name}() expects ${expected} as argument ${position}, got ${describeType(got)}`,
  );
}

function numberArgument(name: string, args: readonly JsonValue[], index: number): number {
  const value = args[index] ?? null;
  if (typeof value !== "number") throw argumentError(name, index + 1, "a number", value);
  return value;
}

function stringArgument(name: string, args: readonly JsonValue[], index: number): string {
  const value = args[index] ?? null;
  if (typeof value !== "string") throw argumentError(name, index + 1, "a string", value);
  return value;
}

function numberFunction(name: string, description: string, apply: (value: number) => number): ValueFunction {
  return {
    kind: "value",
    name,
    signature: `${name}(number)`,
    description,
    minArgs: 1,
    maxArgs: 1,
    call: (args) => (args[0] === null ? null : finiteNumber(apply(numberArgument(name, args, 0)))),
  };
}

function timeField(name: string, description: string, read: (date: Date) => number): ValueFunction {
  return {
    kind: "value",
    name,
    signature: `${name}(time)`,
    description,
    minArgs: 1,
    maxArgs: 1,
    call: (args) => (args[0] === null ? null : read(toDate(numberArgument(name, args, 0), name))),
  };
}

function stringFunction(name: string, description: string, apply: (text: string) => string): ValueFunction {
  return {
    kind: "value",
    name,
    signature: `${name}(text)`,
    description,
    minArgs: 1,
    maxArgs: 1,
    call: (args) => (args[0] === null ? null : apply(stringArgument(name, args, 0))),
  };
}

function affixFunction(
  name: "startsWith" | "endsWith",
  description: string,
  test: (text: string, affix: string) => boolean,
): ValueFunction {
  const argument = name === "startsWith" ? "prefix" : "suffix";
  return {
    kind: "value",
    name,
    signature: `${name}(text, ${argument})`,
    description,
    minArgs: 2,
    maxArgs: 2,
    call: (args) => {
      if (args[0] === null) return false;
      return test(stringArgument(name, args, 0), stringArgument(name, args, 1));
    },
  };
}

function extremeFunction(name: "min" | "max", pick: (a: number, b: number) => number): ValueFunction {
  return {
    kind: "value",
    name,
    signature: `${name}(a, b, …) or ${name}(array)`,
    description: `The ${name === "min" ? "smallest" : "largest"} of the numbers given, or of one array of numbers; nulls are skipped; null when there are none.`,
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    call: (args) => {
      const only = args[0];
      const values = args.length === 1 && Array.isArray(only) ? only.map(toJsonValue) : args;
      let result: number | null = null;
      values.forEach((value, index) => {
        if (value === null) return;
        if (typeof value !== "number") throw argumentError(name, index + 1, "a number", value);
        result = result === null ? value : pick(result, value);
      });
      return result;
    },
  };
}

function countOccurrences(text: string, search: string): number {
  if (search === "") return text.length + 1;
  let count = 0;
  for (let index = text.indexOf(search); index !== -1; index = text.indexOf(search, index + search.length)) {
    count++;
  }
  return count;
}

export const functionCatalogue: readonly ExpressionFunction[] = [
  {
    kind: "value",
    name: "now",
    signature: "now()",
    description: "The current time in Unix milliseconds.",
    minArgs: 0,
    maxArgs: 0,
    call: (_args, context) => finiteNumber(context.now()),
  },
  {
    kind: "value",
    name: "datetimeFromISOString",
    signature: "datetimeFromISOString(text)",
    description:
      'Reads an ISO 8601 date or date-time ("2024-03-07T09:30:00+09:00") into Unix milliseconds; UTC when no offset is given; null when the text is not a valid date.',
    minArgs: 1,
    maxArgs: 1,
    call: (args) =>
      args[0] === null ? null : parseIsoDatetime(stringArgument("datetimeFromISOString", args, 0)),
  },
  timeField("getUTCYear", "The year of a time, in UTC.", (date) => date.getUTCFullYear()),
  timeField(
    "getUTCMonth",
    "The month of a time, in UTC: 1 = January … 12 = December.",
    (date) => date.getUTCMonth() + 1,
  ),
  timeField("getUTCDate", "The day of the month of a time, in UTC: 1–31.", (date) => date.getUTCDate()),
  timeField("getUTCDayOfWeek", "The day of the week of a time, in UTC: 0 = Sunday … 6 = Saturday.", (date) =>
    date.getUTCDay(),
  ),
  timeField("getUTCHours", "The hour of a time, in UTC: 0–23.", (date) => date.getUTCHours()),
  timeField("getUTCMinutes", "The minutes of a time, in UTC: 0–59.", (date) => date.getUTCMinutes()),
  numberFunction("floor", "Rounds down to a whole number.", Math.floor),
  numberFunction("ceil", "Rounds up to a whole number.", Math.ceil),
  {
    kind: "value",
    name: "round",
    signature: "round(number, digits?)",
    description:
      "Rounds to the nearest whole number (halves go up, as in JavaScript), or to the given number of decimal digits (0–15).",
    minArgs: 1,
    maxArgs: 2,
    call: (args) => {
      if (args[0] === null) return null;
      const value = numberArgument("round", args, 0);
      if (args[1] === undefined || args[1] === null) return finiteNumber(Math.round(value));
      const digits = numberArgument("round", args, 1);
      if (!Number.isInteger(digits) || digits < 0 || digits > 15) {
        throw new ExpressionError("expression_type", `round() expects 0–15 digits, got ${digits}`);
      }
      // Shifting through the decimal exponent avoids 1.005 * 100 = 100.49999…
      const shifted = Math.round(Number(`${value}e${digits}`));
      return finiteNumber(Number(`${shifted}e-${digits}`));
    },
  },
  numberFunction("abs", "The absolute value of a number.", Math.abs),
  extremeFunction("min", Math.min),
  extremeFunction("max", Math.max),
  {
    kind: "value",
    name: "len",
    signature: "len(value)",
    description:
      "The number of elements of an array, characters of a string or keys of an object; 0 for null.",
    minArgs: 1,
    maxArgs: 1,
    call: (args) => {
      const value = args[0] ?? null;
      if (value === null) return 0;
      if (typeof value === "string" || Array.isArray(value)) return value.length;
      if (isJsonObject(value)) return Object.keys(value).length;
      throw argumentError("len", 1, "an array, a string or an object", value);
    },
  },
  {
    kind: "value",
    name: "toNumber",
    signature: "toNumber(value)",
    description:
      'Converts a string ("12.5") or a boolean (true = 1) to a number; null when the string is not a decimal number.',
    minArgs: 1,
    maxArgs: 1,
    call: (args) => {
      const value = args[0] ?? null;
      if (value === null || typeof value === "number") return value;
      if (typeof value === "boolean") return value ? 1 : 0;
      if (typeof value === "string") {
        const text = value.trim();
        if (!isDecimalNumber(text)) return null;
        const number = Number(text);
        return Number.isFinite(number) ? finiteNumber(number) : null;
      }
      throw argumentError("toNumber", 1, "a string, a number or a boolean", value);
    },
  },
  {
    kind: "value",
    name: "toString",
    signature: "toString(value)",
    description: 'A string as it is; any other value as JSON text (null → "null").',
    minArgs: 1,
    maxArgs: 1,
    call: (args) => toText(args[0] ?? null),
  },
  stringFunction("toUpperCase", "The text in upper case.", (text) => text.toUpperCase()),
  stringFunction("toLowerCase", "The text in lower case.", (text) => text.toLowerCase()),
  stringFunction("trim", "The text without leading and trailing white space.", (text) => text.trim()),
  affixFunction(
    "startsWith",
    "Whether the text starts with the prefix; false when the text is null.",
    (text, prefix) => text.startsWith(prefix),
  ),
  affixFunction(
    "endsWith",
    "Whether the text ends with the suffix; false when the text is null.",
    (text, suffix) => text.endsWith(suffix),
  ),
  {
    kind: "value",
    name: "contains",
    signature: "contains(textOrArrayOrObject, value)",
    description:
      "Whether a string contains a substring, an array contains an equal element, or an object has a key; false when the first argument is null.",
    minArgs: 2,
    maxArgs: 2,
    call: (args) => {
      const haystack = args[0] ?? null;
      const needle = args[1] ?? null;
      if (haystack === null) return false;
      if (typeof haystack === "string") return haystack.includes(stringArgument("contains", args, 1));
      if (Array.isArray(haystack)) return haystack.some((item) => deepEqual(toJsonValue(item), needle));
      if (isJsonObject(haystack)) return Object.hasOwn(haystack, stringArgument("contains", args, 1));
      throw argumentError("contains", 1, "a string, an array or an object", haystack);
    },
  },
  {
    kind: "value",
    name: "split",
    signature: "split(text, separator)",
    description: 'Splits text into an array of strings at each separator; "" splits into characters.',
    minArgs: 2,
    maxArgs: 2,
    call: (args) => {
      if (args[0] === null) return null;
      return stringArgument("split", args, 0).split(stringArgument("split", args, 1));
    },
  },
  {
    kind: "value",
    name: "join",
    signature: "join(array, separator?)",
    description:
      'Joins the elements of an array into one string with the separator between them (default ","); non-string elements as JSON text.',
    minArgs: 1,
    maxArgs: 2,
    call: (args) => {
      const array = args[0] ?? null;
      if (array === null) return null;
      if (!Array.isArray(array)) throw argumentError("join", 1, "an array", array);
      const separator = args[1] === undefined || args[1] === null ? "," : stringArgument("join", args, 1);
      let length = Math.max(0, array.length - 1) * separator.length;
      checkStringLength(length);
      const texts = array.map((item) => {
        const text = toText(toJsonValue(item));
        length += text.length;
        checkStringLength(length);
        return text;
      });
      return texts.join(separator);
    },
  },
  {
    kind: "value",
    name: "substring",
    signature: "substring(text, start, end?)",
    description:
      "The part of the text from index start (0-based) up to but not including end (default: the end of the text).",
    minArgs: 2,
    maxArgs: 3,
    call: (args) => {
      if (args[0] === null) return null;
      const text = stringArgument("substring", args, 0);
      const start = numberArgument("substring", args, 1);
      if (args[2] === undefined || args[2] === null) return text.substring(start);
      return text.substring(start, numberArgument("substring", args, 2));
    },
  },
  {
    kind: "value",
    name: "replace",
    signature: "replace(text, search, replacement)",
    description: "Replaces every occurrence of search (plain text, not a pattern) with replacement.",
    minArgs: 3,
    maxArgs: 3,
    call: (args) => {
      if (args[0] === null) return null;
      const text = stringArgument("replace", args, 0);
      const search = stringArgument("replace", args, 1);
      const replacement = stringArgument("replace", args, 2);
      const occurrences = countOccurrences(text, search);
      checkStringLength(text.length + occurrences * (replacement.length - search.length));
      // A function replacement keeps "$&" and friends in the replacement literal.
      return text.replaceAll(search, () => replacement);
    },
  },
  {
    kind: "value",
    name: "jsonStringify",
    signature: "jsonStringify(value)",
    description: 'The value as JSON text; strings get quotes ("a" → "\\"a\\"").',
    minArgs: 1,
    maxArgs: 1,
    call: (args) => stringifyJson(args[0] ?? null),
  },
  {
    kind: "value",
    name: "jsonParse",
    signature: "jsonParse(text)",
    description: "Reads JSON text into a value; an error when the text is not valid JSON; null for null.",
    minArgs: 1,
    maxArgs: 1,
    call: (args) =>
      args[0] === null
        ? null
        : parseJsonText(stringArgument("jsonParse", args, 0), "jsonParse() got text that"),
  },
  {
    kind: "value",
    name: "formatDate",
    signature: "formatDate(time, pattern, timeZone?)",
    description:
      'Formats a time in an IANA time zone (default "UTC"). Pattern tokens: YYYY MM DD HH mm ss SSS, Z (+09:00), ZZ (+0900); text in [brackets] is kept as is.',
    minArgs: 2,
    maxArgs: 3,
    call: (args) => {
      if (args[0] === null) return null;
      const time = numberArgument("formatDate", args, 0);
      const pattern = stringArgument("formatDate", args, 1);
      const timeZone =
        args[2] === undefined || args[2] === null ? "UTC" : stringArgument("formatDate", args, 2);
      return formatDate(time, pattern, timeZone);
    },
  },
  {
    kind: "path",
    name: "exists",
    signature: "exists(path)",
    description:
      "Whether a path such as payload.a.b leads to a field that is present (even if its value is null); false when any part is missing.",
    call: (found) => found,
  },
];

export const functionsByName: ReadonlyMap<string, ExpressionFunction> = new Map(
  functionCatalogue.map((definition) => [definition.name, definition]),
);

/** Names, signatures and descriptions, for the studio's autocomplete. */
export const expressionFunctions: ReadonlyArray<{ name: string; signature: string; description: string }> =
  functionCatalogue.map(({ name, signature, description }) => ({ name, signature, description }));
