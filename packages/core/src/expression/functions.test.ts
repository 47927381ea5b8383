import { describe, expect, test } from "vitest";
import { compileExpression } from "./compile.ts";
import { ExpressionError, type ExpressionErrorCode } from "./errors.ts";
import { expressionFunctions, functionCatalogue } from "./functions.ts";
import { testNow, testScope } from "./test-scope.ts";
import type { JsonValue } from "./values.ts";

function run(source: string): JsonValue {
  return compileExpression(source).evaluate(testScope, { now: testNow });
}

function errorOf(source: string): ExpressionError {
  try {
    run(source);
  } catch (caught) {
    if (caught instanceof ExpressionError) return caught;
    throw caught;
  }
  throw new Error(`${source} did not throw`);
}

type Row = readonly [source: string, expected: JsonValue | { error: ExpressionErrorCode; message?: string }];

const isError = (expected: Row[1]): expected is { error: ExpressionErrorCode; message?: string } =>
  typeof expected === "object" && expected !== null && !Array.isArray(expected) && "error" in expected;

const typeError = (message?: string) => ({ error: "expression_type" as const, message });

const TOKYO_NEW_YEAR = Date.UTC(2024, 0, 1, 0, 0, 0); // 2024-01-01T00:00:00Z = 09:00 in Tokyo

// [function name(s), examples]; an array, not an object, so "toString" is just a name.
const examples: ReadonlyArray<readonly [string, readonly Row[]]> = [
  [
    "now",
    [
      ["now()", 1709803800000],
      ["now() - payload.time", 0],
      ["now(1)", typeError("now() takes 0 arguments, got 1")],
    ],
  ],
  [
    "datetimeFromISOString",
    [
      ['datetimeFromISOString("2024-03-07T09:30:00Z")', 1709803800000],
      ['datetimeFromISOString("2024-03-07T18:30:00+09:00")', 1709803800000],
      ['datetimeFromISOString("2024-03-07T18:30:00+0900")', 1709803800000],
      ['datetimeFromISOString("2024-03-07T04:30:00-05:00")', 1709803800000],
      ['datetimeFromISOString("2024-03-07T09:30:00.250Z")', 1709803800250],
      ['datetimeFromISOString("2024-03-07T09:30:00.123456Z")', 1709803800123],
      ['datetimeFromISOString("2024-03-07T09:30Z")', 1709803800000],
      ['datetimeFromISOString("2024-03-07T09:30:00")', 1709803800000],
      ['datetimeFromISOString("2024-03-07 09:30:00Z")', 1709803800000],
      ['datetimeFromISOString("2024-03-07")', Date.UTC(2024, 2, 7)],
      ['datetimeFromISOString("0050-01-01")', -60589296000000],
      ["datetimeFromISOString(payload.iso)", 1709803800000],
      ['datetimeFromISOString("2024-02-29")', Date.UTC(2024, 1, 29)],
      ['datetimeFromISOString("2023-02-29")', null],
      ['datetimeFromISOString("2024-13-01")', null],
      ['datetimeFromISOString("2024-03-07T24:00:00Z")', null],
      ['datetimeFromISOString("March 7, 2024")', null],
      ['datetimeFromISOString("")', null],
      ['datetimeFromISOString("2024-03-07T09:30:00+25:00")', null],
      ["datetimeFromISOString(payload.missing)", null],
      ["datetimeFromISOString(1709803800000)", typeError()],
    ],
  ],
  [
    "getUTCYear, getUTCMonth, getUTCDate, getUTCDayOfWeek, getUTCHours, getUTCMinutes",
    [
      ["getUTCYear(payload.time)", 2024],
      ["getUTCMonth(payload.time)", 3],
      ["getUTCDate(payload.time)", 7],
      ["getUTCDayOfWeek(payload.time)", 4],
      ["getUTCHours(payload.time)", 9],
      ["getUTCMinutes(payload.time)", 30],
      ["getUTCMonth(0)", 1],
      ["getUTCDayOfWeek(0)", 4],
      ['getUTCDayOfWeek(datetimeFromISOString("2024-03-10"))', 0],
      ['getUTCMonth(datetimeFromISOString("2024-12-31T23:59:59Z"))', 12],
      ["getUTCHours(payload.missing)", null],
      ['getUTCYear("2024")', typeError("getUTCYear() expects a number as argument 1, got a string")],
      ["getUTCYear(1e20)", typeError("getUTCYear() got 100000000000000000000, which is not a valid time")],
    ],
  ],
  [
    "floor, ceil, round, abs",
    [
      ["floor(9.5)", 9],
      ["floor(-9.5)", -10],
      ["ceil(9.1)", 10],
      ["ceil(-9.1)", -9],
      ["round(9.5)", 10],
      ["round(9.49)", 9],
      ["round(-2.5)", -2],
      ["round(1.005, 2)", 1.01],
      ["round(payload.temp / 3, 1)", 3.2],
      ["round(1234.5678, 0)", 1235],
      ["round(-0.4)", 0],
      ["round(1, 16)", typeError("round() expects 0–15 digits, got 16")],
      ["round(1, 1.5)", typeError()],
      ["abs(-3)", 3],
      ["abs(3)", 3],
      ["abs(payload.missing)", null],
      ['floor("1")', typeError("floor() expects a number as argument 1, got a string")],
      ["ceil(true)", typeError()],
    ],
  ],
  [
    "min, max",
    [
      ["min(3, 1, 2)", 1],
      ["max(3, 1, 2)", 3],
      ["min(payload.list)", 1],
      ["max(payload.list)", 3],
      ["max(5)", 5],
      ["max([])", null],
      ["min(payload.missing, 4)", 4],
      ["min(payload.missing)", null],
      ["max([1, null, 7])", 7],
      ["max(-1, -5)", -1],
      ['max(1, "2")', typeError("max() expects a number as argument 2, got a string")],
      ['min(["a"])', typeError()],
      ["min()", typeError("min() takes at least 1 argument, got 0")],
    ],
  ],
  [
    "len",
    [
      ["len(payload.tags)", 2],
      ["len(payload.name)", 8],
      ["len(payload.nested)", 1],
      ["len({})", 0],
      ['len("")', 0],
      ["len(payload.missing)", 0],
      ["len(null)", 0],
      ['len("日本")', 2],
      ["len(42)", typeError("len() expects an array, a string or an object as argument 1, got a number")],
      ["len(true)", typeError()],
    ],
  ],
  [
    "toNumber",
    [
      ["toNumber(payload.count)", 12],
      ['toNumber("12.5")', 12.5],
      ['toNumber(" -3e2 ")', -300],
      ['toNumber(".5")', 0.5],
      ["toNumber(true)", 1],
      ["toNumber(false)", 0],
      ["toNumber(7)", 7],
      ['toNumber("abc")', null],
      ['toNumber("")', null],
      ['toNumber("0x10")', null],
      ['toNumber("Infinity")', null],
      ['toNumber("1e999")', null],
      ["toNumber(payload.missing)", null],
      ["toNumber([1])", typeError()],
      ["toNumber({})", typeError()],
    ],
  ],
  [
    "toString",
    [
      ["toString(payload.name)", "sensor-1"],
      ["toString(9.5)", "9.5"],
      ["toString(true)", "true"],
      ["toString(null)", "null"],
      ["toString(payload.missing)", "null"],
      ["toString(payload.tags)", '["cold","chain"]'],
      ["toString({a: 1, b: [true]})", '{"a":1,"b":[true]}'],
    ],
  ],
  [
    "toUpperCase, toLowerCase, trim",
    [
      ["toUpperCase(payload.name)", "SENSOR-1"],
      ['toLowerCase("MiXeD")', "mixed"],
      ['trim("  padded \\n")', "padded"],
      ["toUpperCase(payload.missing)", null],
      ["trim(null)", null],
      ["toLowerCase(1)", typeError("toLowerCase() expects a string as argument 1, got a number")],
    ],
  ],
  [
    "startsWith, endsWith",
    [
      ['startsWith(payload.name, "sensor")', true],
      ['startsWith(payload.name, "x")', false],
      ['endsWith(payload.name, "-1")', true],
      ['endsWith(payload.name, "sensor")', false],
      ['startsWith(payload.missing, "x")', false],
      ['endsWith(payload.name, "")', true],
      ["startsWith(payload.name, 1)", typeError("startsWith() expects a string as argument 2, got a number")],
      ['endsWith(payload.tags, "n")', typeError()],
    ],
  ],
  [
    "contains",
    [
      ['contains(payload.name, "sor")', true],
      ['contains(payload.name, "xyz")', false],
      ['contains(payload.tags, "cold")', true],
      ['contains(payload.tags, "hot")', false],
      ["contains(payload.objects, {id: 2})", true],
      ["contains(payload.objects, {id: 3})", false],
      ["contains(payload.list, 2)", true],
      ['contains(payload.list, "2")', false],
      ['contains(payload.nested, "a")', true],
      ['contains(payload.nested, "b")', false],
      ['contains(payload.nested, "constructor")', false],
      ['contains(payload.missing, "a")', false],
      ["contains(payload.name, 1)", typeError()],
      [
        "contains(5, 1)",
        typeError("contains() expects a string, an array or an object as argument 1, got a number"),
      ],
    ],
  ],
  [
    "split",
    [
      ['split("a,b,c", ",")', ["a", "b", "c"]],
      ['split("a, b", ", ")', ["a", "b"]],
      ['split("abc", "")', ["a", "b", "c"]],
      ['split("abc", "x")', ["abc"]],
      ['split("", ",")', [""]],
      ['split(payload.missing, ",")', null],
      ["split(payload.name, 1)", typeError()],
    ],
  ],
  [
    "join",
    [
      ['join(payload.tags, " & ")', "cold & chain"],
      ["join(payload.tags)", "cold,chain"],
      ['join(payload.list, "")', "123"],
      ['join([1, "a", null, {b: 2}], "|")', '1|a|null|{"b":2}'],
      ['join([], ",")', ""],
      ['join(payload.missing, ",")', null],
      ['join("abc", ",")', typeError("join() expects an array as argument 1, got a string")],
    ],
  ],
  [
    "substring",
    [
      ["substring(payload.name, 0, 6)", "sensor"],
      ["substring(payload.name, 7)", "1"],
      ["substring(payload.name, 6, 100)", "-1"],
      ["substring(payload.name, 3, 1)", "en"],
      ["substring(payload.name, -5, 2)", "se"],
      ["substring(payload.missing, 0, 1)", null],
      ['substring(payload.name, "1")', typeError()],
    ],
  ],
  [
    "replace",
    [
      ['replace("a-b-c", "-", "+")', "a+b+c"],
      ['replace(payload.name, "sensor", "probe")', "probe-1"],
      ['replace("a.b.c", ".", "")', "abc"],
      ['replace("cost: X", "X", "$&$1")', "cost: $&$1"],
      ['replace("aaa", "a", "aa")', "aaaaaa"],
      ['replace("ab", "", "-")', "-a-b-"],
      ['replace("abc", "x", "y")', "abc"],
      ['replace(payload.missing, "a", "b")', null],
      ['replace("abc", 1, "b")', typeError()],
    ],
  ],
  [
    "jsonStringify",
    [
      ["jsonStringify(payload.tags)", '["cold","chain"]'],
      ['jsonStringify("a")', '"a"'],
      ["jsonStringify(null)", "null"],
      ["jsonStringify(payload.missing)", "null"],
      ["jsonStringify({a: [1, {b: null}]})", '{"a":[1,{"b":null}]}'],
      ["jsonStringify(payload.quote)", JSON.stringify('He said "hi"\nthen left')],
    ],
  ],
  [
    "jsonParse",
    [
      ['jsonParse("{\\"a\\": [1, 2]}")', { a: [1, 2] }],
      ['jsonParse("42")', 42],
      ['jsonParse("\\"s\\"")', "s"],
      ['jsonParse("null")', null],
      ["jsonParse(jsonStringify(payload.nested)) == payload.nested", true],
      ['jsonParse("{\\"a\\": [1, 2]}").a[1]', 2],
      ['jsonParse("{\\"__proto__\\": {\\"x\\": 1}}").__proto__.x', 1],
      ["jsonParse(payload.missing)", null],
      ['jsonParse("{bad}")', typeError()],
      ['jsonParse("")', typeError()],
      ['jsonParse("1e400")', typeError()],
      ["jsonParse(1)", typeError()],
    ],
  ],
  [
    "formatDate",
    [
      ['formatDate(payload.time, "YYYY-MM-DD HH:mm:ss", "UTC")', "2024-03-07 09:30:00"],
      ['formatDate(payload.time, "YYYY-MM-DD HH:mm:ss", "Asia/Tokyo")', "2024-03-07 18:30:00"],
      ['formatDate(payload.time, "YYYY/MM/DD HH:mm", "America/New_York")', "2024/03/07 04:30"],
      ['formatDate(payload.time, "YYYY-MM-DDTHH:mm:ss.SSSZ", "Asia/Tokyo")', "2024-03-07T18:30:00.000+09:00"],
      ['formatDate(payload.time + 45, "ss.SSS ZZ", "Asia/Kolkata")', "00.045 +0530"],
      ['formatDate(payload.time, "Z", "America/New_York")', "-05:00"],
      [`formatDate(${Date.UTC(2024, 6, 1, 12)}, "HH Z", "America/New_York")`, "08 -04:00"],
      [`formatDate(${TOKYO_NEW_YEAR}, "YYYY-MM-DD HH:mm", "Asia/Tokyo")`, "2024-01-01 09:00"],
      [`formatDate(${TOKYO_NEW_YEAR - 1}, "YYYY-MM-DD HH:mm:ss.SSS", "UTC")`, "2023-12-31 23:59:59.999"],
      ['formatDate(payload.time, "[Today is] DD.MM.YYYY", "Europe/Berlin")', "Today is 07.03.2024"],
      ['formatDate(payload.time, "HH:mm")', "09:30"],
      ['formatDate(0, "YYYY-MM-DD", "UTC")', "1970-01-01"],
      ['formatDate(payload.missing, "YYYY", "UTC")', null],
      [
        'formatDate(payload.time, "YYYY", "Mars/Olympus")',
        typeError(
          "formatDate() got unknown time zone 'Mars/Olympus'; use an IANA name such as 'Asia/Tokyo' or 'UTC'",
        ),
      ],
      ['formatDate(payload.iso, "YYYY", "UTC")', typeError()],
      ['formatDate(payload.time, 1, "UTC")', typeError()],
    ],
  ],
  [
    "exists",
    [
      ["exists(payload.temp)", true],
      ["exists(payload.nothing)", true],
      ["exists(payload.missing)", false],
      ["exists(payload.missing.a.b.c)", false],
      ["exists(payload.tags[1])", true],
      ["exists(payload.tags[2])", false],
      ["exists(payload.nested.a.b)", true],
      ['exists(payload["key with space"])', true],
      ["exists(payload)", true],
      ["exists(result)", false],
      ["exists(payload.constructor)", false],
      ['exists(payload["__proto__"])', false],
      ["exists(payload.temp, payload.humidity)", typeError("exists() expects one path such as payload.temp")],
      ['exists("payload.temp")', typeError()],
      ["exists()", typeError()],
    ],
  ],
];

describe("functions", () => {
  for (const [functionName, rows] of examples) {
    describe(functionName, () => {
      test.each(rows.map((row) => [row[0], row] as const))("%s", (_source, [source, expected]) => {
        if (!isError(expected)) {
          expect(run(source)).toEqual(expected);
          return;
        }
        const caught = errorOf(source);
        expect(caught.code, caught.message).toBe(expected.error);
        expect(caught.column).toBe(1);
        if (expected.message !== undefined) expect(caught.message).toBe(`${expected.message} at column 1`);
      });
    });
  }

  test("every function in the catalogue has examples", () => {
    const covered = examples.flatMap(([, rows]) => rows).map(([source]) => source);
    for (const { name } of functionCatalogue) {
      expect(
        covered.some((source) => source.includes(`${name}(`)),
        name,
      ).toBe(true);
    }
  });

  test("the studio's list names every function with a signature and a description", () => {
    expect(expressionFunctions.map((entry) => entry.name)).toEqual(
      functionCatalogue.map((entry) => entry.name),
    );
    for (const entry of expressionFunctions) {
      expect(entry.signature.startsWith(`${entry.name}(`)).toBe(true);
      expect(entry.description.length).toBeGreaterThan(10);
      expect(Object.keys(entry)).toEqual(["name", "signature", "description"]);
    }
  });

  test("functions cannot build strings over the 1 MiB limit", () => {
    const big = { payload: { s: "x".repeat(600_000), list: ["x".repeat(600_000), "y".repeat(600_000)] } };
    const evaluate = (source: string) => () => compileExpression(source).evaluate(big);
    expect(evaluate("len(payload.s)")()).toBe(600_000);
    for (const source of [
      'join(payload.list, "")',
      'replace(payload.s, "x", "xx")',
      'replace(payload.s, "", "-")',
      "jsonStringify(payload.list)",
      "toString(payload.list)",
      "payload.s + payload.s",
      "toString([payload.s, payload.s])",
    ]) {
      expect(evaluate(source), source).toThrowError(expect.objectContaining({ code: "expression_limit" }));
    }
  });

  test("toUpperCase that lengthens a string is checked against the limit too", () => {
    const scope = { payload: { s: "ß".repeat(600_000) } };
    expect(() => compileExpression("toUpperCase(payload.s)").evaluate(scope)).toThrowError(
      expect.objectContaining({ code: "expression_limit", column: 1 }),
    );
  });
});
