import { describe, expect, test } from "vitest";
import { checkCondition, compileCondition, compileExpression } from "./compile.ts";
import { ExpressionError, type ExpressionErrorCode } from "./errors.ts";
import { testNow, testScope } from "./test-scope.ts";
import type { JsonValue } from "./values.ts";

type Expected = { value: JsonValue } | { error: ExpressionErrorCode; column?: number };
type Row = readonly [source: string, expected: Expected];

const value = (v: JsonValue): Expected => ({ value: v });
const error = (code: ExpressionErrorCode, column?: number): Expected =>
  column === undefined ? { error: code } : { error: code, column };
const syntax = (column: number): Expected => error("expression_syntax", column);
const typeError = (column?: number): Expected => error("expression_type", column);
const limit = (column?: number): Expected => error("expression_limit", column);

function run(source: string): JsonValue {
  return compileExpression(source).evaluate(testScope, { now: testNow });
}

function thrown(work: () => unknown): ExpressionError {
  try {
    work();
  } catch (caught) {
    if (caught instanceof ExpressionError) return caught;
    throw caught;
  }
  throw new Error("expected an ExpressionError, but nothing was thrown");
}

function check([source, expected]: Row): void {
  if ("value" in expected) {
    expect(run(source)).toEqual(expected.value);
    return;
  }
  const caught = thrown(() => run(source));
  expect(caught.code, caught.message).toBe(expected.error);
  if (expected.column !== undefined) expect(caught.column, caught.message).toBe(expected.column);
}

const shorten = (source: string): string => (source.length > 60 ? `${source.slice(0, 57)}…` : source);
const name = ([source, expected]: Row): string =>
  `${shorten(source)} → ${"value" in expected ? shorten(JSON.stringify(expected.value)) : `${expected.error}${expected.column ? ` at column ${expected.column}` : ""}`}`;

const tables: Record<string, readonly Row[]> = {
  "literals are JSON values, with single-quoted strings and unquoted keys as extras": [
    ["42", value(42)],
    ["3.25", value(3.25)],
    ["1e3", value(1000)],
    ["2.5E-1", value(0.25)],
    ["0", value(0)],
    ['"hello"', value("hello")],
    ["'single'", value("single")],
    ['"a\\"b"', value('a"b')],
    ["'it\\'s'", value("it's")],
    ['"tab\\there"', value("tab\there")],
    ['"a\\\\b"', value("a\\b")],
    ['"\\u00e9t\\u00E9"', value("été")],
    ['"line\\nbreak"', value("line\nbreak")],
    ["true", value(true)],
    ["false", value(false)],
    ["null", value(null)],
    ["[]", value([])],
    ['[1, "two", null, true]', value([1, "two", null, true])],
    ["[1, [2, [3]]]", value([1, [2, [3]]])],
    ["{}", value({})],
    ['{a: 1, "b c": 2}', value({ a: 1, "b c": 2 })],
    ["{a: {b: [1, 2]}, c: payload.temp}", value({ a: { b: [1, 2] }, c: 9.5 })],
    ["{a: 1, a: 2}", value({ a: 2 })],
    ["  42  ", value(42)],
  ],
  "paths read the message; a missing path is null, never an error": [
    ["payload.temp", value(9.5)],
    ["payload.nested.a.b.c", value(42)],
    ['payload["key with space"]', value("spaced")],
    ["payload.tags[0]", value("cold")],
    ["payload.tags[1]", value("chain")],
    ["payload.tags[2]", value(null)],
    ["payload.tags[-1]", value(null)],
    ["payload.tags[0.5]", value(null)],
    ['payload.tags["0"]', value(null)],
    ["payload.list[payload.list[0]]", value(2)],
    ["payload[payload.keyName]", value(9.5)],
    ['payload.nested["a"]["b"].c', value(42)],
    ["payload.objects[1].id", value(2)],
    ["event.payload.temp", value(9.5)],
    ["event.context.eventType", value("device")],
    ["context.resource.deviceId", value("dev-1")],
    ["payload.missing", value(null)],
    ["payload.missing.deeper.still", value(null)],
    ["payload.missing[0]", value(null)],
    ["payload.missing[payload.alsoMissing]", value(null)],
    ["payload.nothing", value(null)],
    ["payload.nothing.x", value(null)],
    ["payload.temp.x", value(null)],
    ["payload.name.length", value(null)],
    ["payload.tags.length", value(null)],
    ["payload[true]", value(null)],
    ["payload[null]", value(null)],
    ["unknownVariable", value(null)],
    ["unknownVariable.a[0]", value(null)],
    ["result", value(null)],
    ["error.message", value(null)],
    ["[10, 20][1]", value(20)],
    ["{a: 1}.a", value(1)],
    ['{a: 1}["a"]', value(1)],
    ["{a: 1}.true", value(null)],
    ["(payload).temp", value(9.5)],
  ],
  "arithmetic works on numbers; null (a missing field) gives null; other types are errors": [
    ["1 + 2 * 3", value(7)],
    ["(1 + 2) * 3", value(9)],
    ["10 - 4 - 3", value(3)],
    ["20 / 4 / 5", value(1)],
    ["2 * 3 % 4", value(2)],
    ["7 % 3", value(1)],
    ["-7 % 3", value(-1)],
    ["7 / 2", value(3.5)],
    ["0.1 + 0.2", value(0.30000000000000004)],
    ["-payload.temp", value(-9.5)],
    ["- -3", value(3)],
    ["1 - -1", value(2)],
    ["2 * -3", value(-6)],
    ["-0", value(0)],
    ["payload.temp * 2 + 1", value(20)],
    ["payload.humidity / 4", value(10)],
    ["payload.missing + 1", value(null)],
    ["payload.missing * 2", value(null)],
    ["-payload.missing", value(null)],
    ["null - null", value(null)],
    ["1 / 0", typeError(3)],
    ["5 % 0", typeError(3)],
    ["payload.temp / payload.zero", typeError(14)],
    ["1e308 * 10", typeError(7)],
    ["true + 1", typeError(6)],
    ["null + true", typeError(6)],
    ["[1] + [2]", typeError(5)],
    ["{a: 1} * 2", typeError(8)],
    ["payload.nested * 2", typeError(16)],
    ['"3" * 2', typeError(5)],
    ['-"x"', typeError(1)],
    ["-true", typeError(1)],
    ["1 + 2 / 0", typeError(7)],
  ],
  "+ concatenates when either side is a string, other values as JSON text": [
    ['"a" + "b"', value("ab")],
    ['"T=" + payload.temp', value("T=9.5")],
    ['payload.temp + "°C"', value("9.5°C")],
    ['"v" + null', value("vnull")],
    ['"v" + payload.missing', value("vnull")],
    ['"x" + true', value("xtrue")],
    ['"list: " + payload.tags', value('list: ["cold","chain"]')],
    ['"o" + {a: 1}', value('o{"a":1}')],
    ['1 + 2 + "3"', value("33")],
    ['"1" + 2 + 3', value("123")],
    ['payload.name + "/" + context.resource.deviceId', value("sensor-1/dev-1")],
  ],
  "< <= > >= compare numbers, or strings; any other pair (null included) is false": [
    ["payload.temp > 8", value(true)],
    ["payload.temp > 10", value(false)],
    ["payload.temp >= 9.5", value(true)],
    ["payload.temp < 9.5", value(false)],
    ["payload.temp <= 9.5", value(true)],
    ["payload.missing > 8", value(false)],
    ["payload.missing < 8", value(false)],
    ["payload.missing <= 8", value(false)],
    ["null >= 0", value(false)],
    ["null <= null", value(false)],
    ['"apple" < "banana"', value(true)],
    ['"Z" < "a"', value(true)],
    ['"10" < "9"', value(true)],
    ['"10" < 9', value(false)],
    ['"10" > 9', value(false)],
    ["true > false", value(false)],
    ["[2] > [1]", value(false)],
    ["1 < 2 < 3", value(false)],
    ["payload.temp * 2 > 18", value(true)],
  ],
  "== and != are deep structural equality without coercion; === and !== are aliases": [
    ["1 == 1", value(true)],
    ['1 == "1"', value(false)],
    ["1 === 1", value(true)],
    ['1 !== "1"', value(true)],
    ['"a" != "b"', value(true)],
    ["null == null", value(true)],
    ["payload.missing == null", value(true)],
    ["payload.nothing == null", value(true)],
    ["payload.missing != null", value(false)],
    ['payload.tags == ["cold", "chain"]', value(true)],
    ['payload.tags == ["chain", "cold"]', value(false)],
    ["{a: 1, b: 2} == {b: 2, a: 1}", value(true)],
    ["{a: 1} == {a: 1, b: null}", value(false)],
    ["payload.nested == {a: {b: {c: 42}}}", value(true)],
    ["[] == []", value(true)],
    ["[] == {}", value(false)],
    ["0 == false", value(false)],
    ['"" == null', value(false)],
    ["0 == -0", value(true)],
    ["payload.flag == true", value(true)],
    ['context.eventType == "device" && payload.temp != 0', value(true)],
    ['event.context.eventType == "device"', value(true)],
  ],
  "&& and || short-circuit, use JavaScript truthiness and return booleans": [
    ["true && false", value(false)],
    ["true || false", value(true)],
    ["payload.temp > 8 && payload.humidity < 50", value(true)],
    ['payload.temp > 10 || payload.name == "sensor-1"', value(true)],
    ["true || false && false", value(true)],
    ["true && true && false", value(false)],
    ["false || false || true", value(true)],
    ["payload.name && payload.temp", value(true)],
    ["payload.missing || 0", value(false)],
    ["payload.tags && {}", value(true)],
    ["payload.missing && nope()", value(false)],
    ["true || nope()", value(true)],
    ["!payload.flag", value(false)],
    ["!payload.missing", value(true)],
    ["!!payload.name", value(true)],
    ["!0", value(true)],
    ['!""', value(true)],
    ["![]", value(false)],
    ["!{}", value(false)],
    ["!payload.flag || payload.temp > 5", value(true)],
  ],
  "? : picks a branch by truthiness and nests": [
    ['payload.temp > 8 ? "hot" : "ok"', value("hot")],
    ['payload.temp > 10 ? "hot" : payload.temp > 5 ? "warm" : "cold"', value("warm")],
    ["payload.missing ? 1 : 2", value(2)],
    ["payload.tags ? len(payload.tags) : 0", value(2)],
    ["(true ? 1 : 2) + 1", value(2)],
    ["false ? 1 : false ? 2 : 3", value(3)],
    ["true ? false ? 1 : 2 : 3", value(2)],
    ["true ? 1 : nope()", value(1)],
  ],
  "function calls use the catalogue; anything else is a type error when evaluated": [
    ["len(payload.tags)", value(2)],
    ["toUpperCase(payload.name)", value("SENSOR-1")],
    ['contains(payload.tags, "cold")', value(true)],
    ["round(payload.temp)", value(10)],
    ["max(1, 5, 3)", value(5)],
    ["exists(payload.temp)", value(true)],
    ["exists(payload.missing.deep)", value(false)],
    ["now()", value(1709803800000)],
    ["nope(1)", typeError(1)],
    ["len(1) + nope(2)", typeError(1)],
    ['len("ab") + nope(2)', typeError(13)],
    ["len()", typeError(1)],
    ["len(1, 2)", typeError(1)],
    ["toUpperCase(42)", typeError(1)],
    ['1 + toUpperCase("a")', value("1A")],
    ["exists(1 + 1)", typeError(1)],
    ['constructor("return 1")', typeError(1)],
    ["valueOf()", typeError(1)],
    ["hasOwnProperty(1)", typeError(1)],
    ["__proto__()", typeError(1)],
  ],
  "syntax errors report the column where the problem is": [
    ["", syntax(1)],
    ["   ", syntax(1)],
    ["payload.temp > ", syntax(16)],
    ["payload.temp >", syntax(15)],
    ["a + )", syntax(5)],
    ["(1 + 2", syntax(7)],
    ["1 + 2)", syntax(6)],
    ['"unterminated', syntax(1)],
    ["'unterminated", syntax(1)],
    ['x + "a\nb"', syntax(5)],
    ['payload["x', syntax(9)],
    ['payload["x"', syntax(12)],
    ["payload.", syntax(9)],
    ["payload..temp", syntax(9)],
    ["payload.1", syntax(9)],
    ["payload.temp = 8", syntax(14)],
    ["x => 1", syntax(3)],
    ["a & b", syntax(3)],
    ["a | b", syntax(3)],
    ["a; b", syntax(2)],
    ["`tpl`", syntax(1)],
    ["@", syntax(1)],
    ["#x", syntax(1)],
    ["1 2", syntax(3)],
    ["[1, 2", syntax(6)],
    ["[1,]", syntax(4)],
    ["{a 1}", syntax(4)],
    ["{1: 2}", syntax(2)],
    ["{a: 1,}", syntax(7)],
    ["len(1,)", syntax(7)],
    ["len(1", syntax(6)],
    ['"bad \\q escape"', syntax(6)],
    ['"\\u12"', syntax(2)],
    ["1e", syntax(1)],
    ["12abc", syntax(1)],
    ["1e999", syntax(1)],
    ["new Date()", syntax(5)],
    ["function () { return 1 }", syntax(13)],
    ["a ? b", syntax(6)],
    ["a ? b c", syntax(7)],
    ["+1", syntax(1)],
    ["payload.temp > 8 && ", syntax(21)],
    ["payload.temp >> 2", syntax(15)],
    ["/abc/", syntax(1)],
    ["a = b", syntax(3)],
    ["payload.tags[0", syntax(15)],
  ],
  "values and prototypes of the host are out of reach": [
    ["constructor", value(null)],
    ["__proto__", value(null)],
    ["hasOwnProperty", value(null)],
    ["globalThis", value(null)],
    ["process", value(null)],
    ["window", value(null)],
    ["this", value(null)],
    ["payload.constructor", value(null)],
    ["payload.__proto__", value(null)],
    ['payload["constructor"]["constructor"]', value(null)],
    ['payload["__proto__"]', value(null)],
    ["payload.hasOwnProperty", value(null)],
    ["toString.constructor", value(null)],
    ["toString.constructor.constructor", value(null)],
    ["payload.tags.constructor", value(null)],
    ['payload.tags["map"]', value(null)],
    ["payload.name.constructor", value(null)],
    ['payload.name["length"]', value(null)],
    ["{}.constructor", value(null)],
    ["[].constructor", value(null)],
    ["(1).constructor", value(null)],
    ['"".__proto__', value(null)],
    ['{"__proto__": {"polluted": true}}.polluted', value(null)],
    ["{__proto__: 1}.__proto__", value(1)],
    ['{"__proto__": [1]}', value(JSON.parse('{"__proto__": [1]}'))],
    ["toString(payload.constructor)", value("null")],
    ["len(payload.__proto__)", value(0)],
    ['payload.constructor.constructor("return process")()', syntax(32)],
    ['payload["constructor"]["constructor"]("return process")()', syntax(38)],
    ["payload.toString()", syntax(17)],
    ["len(payload)(1)", syntax(13)],
    ["(len)(payload)", syntax(6)],
    ['contains("abc", "b").constructor', value(null)],
  ],
  "limits stop hostile input early with a clear error": [
    ["1".repeat(1_000_000), limit()],
    [`"${"x".repeat(20_000)}"`, limit()],
    ["(".repeat(100_000), limit()],
    ["[".repeat(100_000), limit()],
    [`${"!".repeat(100_000)}true`, limit()],
    [`${"(".repeat(5_000)}1${")".repeat(5_000)}`, limit(65)],
    [`${"(".repeat(65)}1${")".repeat(65)}`, limit(65)],
    [`${"(".repeat(64)}1${")".repeat(64)}`, value(1)],
    [`${"[".repeat(64)}${"]".repeat(64)}`, value(JSON.parse(`${"[".repeat(64)}${"]".repeat(64)}`))],
    [`${"[".repeat(65)}${"]".repeat(65)}`, limit(65)],
    [`${"!".repeat(64)}true`, value(true)],
    [`${"!".repeat(65)}true`, limit(65)],
    [`${"-".repeat(65)}1`, limit(65)],
    [`${"{a:".repeat(65)}1${"}".repeat(65)}`, limit(193)],
    [`len(${"len(".repeat(70)}1${")".repeat(70)})`, limit(260)],
    [`${"true ? ".repeat(70)}1${" : 0".repeat(70)}`, limit(454)],
    [`1${"+1".repeat(8_000)}`, value(8_001)],
    [`payload${".a".repeat(8_000)}`, value(null)],
    [`payload.list${"[0]".repeat(5_000)}`, value(null)],
    [`true${" && true".repeat(2_000)}`, value(true)],
    [`${replaceNested(6)}`, value("x".repeat(1_000_000))],
    [`${replaceNested(7)}`, limit()],
    [`len(${replaceNested(6)} + ${replaceNested(6)})`, limit(`len(${replaceNested(6)} +`.length)],
  ],
};

/** replace(replace("xxxxxxxxxx", "x", "xxxxxxxxxx"), …): a string of 10^levels characters. */
function replaceNested(levels: number): string {
  let source = `"${"x".repeat(10)}"`;
  for (let level = 1; level < levels; level++) source = `replace(${source}, "x", "${"x".repeat(10)}")`;
  return source;
}

describe("expressions", () => {
  for (const [behaviour, rows] of Object.entries(tables)) {
    describe(behaviour, () => {
      test.each(rows.map((row) => [name(row), row] as const))("%s", (_name, row) => check(row));
    });
  }

  test("the table covers at least 150 expressions", () => {
    expect(Object.values(tables).flat().length).toBeGreaterThanOrEqual(150);
  });
});

describe("conditions", () => {
  const evaluateCondition = (source: string): boolean =>
    compileCondition(source).evaluate(testScope, { now: testNow });

  test.each([
    ["payload.temp > 8", true],
    ["payload.temp > 10", false],
    ["payload.flag", true],
    ["exists(payload.temp)", true],
    ['contains(payload.tags, "cold") && payload.temp > 8', true],
    ['event.context.eventType == "device"', true],
  ])("%s is %s", (source, expected) => {
    expect(evaluateCondition(source)).toBe(expected);
  });

  test("an empty or blank condition is always true", () => {
    expect(evaluateCondition("")).toBe(true);
    expect(evaluateCondition("  \n\t ")).toBe(true);
    expect(compileCondition("").evaluate({})).toBe(true);
  });

  test("a condition that reads a missing field is false, not an error", () => {
    expect(evaluateCondition("payload.missing > 8")).toBe(false);
    expect(evaluateCondition("payload.missing.deeper == 1")).toBe(false);
    expect(compileCondition("payload.temp > 8").evaluate({})).toBe(false);
  });

  test.each([
    ["payload.temp", "a number (9.5)"],
    ["payload.missing", "null"],
    ['"true"', 'a string ("true")'],
    ["payload.tags", "an array"],
    ["payload.nested", "an object"],
    ["payload.flag && payload.name", undefined],
  ])("a condition that evaluates %s is a condition_not_boolean error naming %s", (source, got) => {
    if (got === undefined) {
      expect(evaluateCondition(source)).toBe(true);
      return;
    }
    const caught = thrown(() => evaluateCondition(source));
    expect(caught.code).toBe("condition_not_boolean");
    expect(caught.message).toContain(`evaluated to ${got}`);
  });

  test("a condition with a syntax error fails to compile with the column", () => {
    const caught = thrown(() => compileCondition("payload.temp > "));
    expect(caught.code).toBe("expression_syntax");
    expect(caught.column).toBe(16);
    expect(caught.message).toBe("Unexpected end of expression (expected a value) at column 16");
  });

  test("checkCondition returns the error instead of throwing, and undefined when the condition is valid", () => {
    expect(checkCondition("payload.temp > 8")).toBeUndefined();
    expect(checkCondition("")).toBeUndefined();
    expect(checkCondition("nope(1)")).toBeUndefined();
    expect(checkCondition("a + )")).toMatchObject({ code: "expression_syntax", column: 5 });
    expect(checkCondition("x".repeat(1_048_576))).toMatchObject({ code: "expression_limit" });
    expect(checkCondition("(".repeat(100))).toMatchObject({ code: "expression_limit", column: 65 });
  });

  test("a condition is limited to 16,384 characters", () => {
    const longest = `payload.temp > 8${" ".repeat(16_384 - 16)}`;
    expect(checkCondition(longest)).toBeUndefined();
    expect(checkCondition(`${longest} `)?.message).toBe(
      "Condition is 16,385 characters long; the limit is 16,384",
    );
  });
});

describe("evaluation", () => {
  test("messages say what went wrong and where", () => {
    expect(thrown(() => run("1 / 0")).message).toBe("Division by zero with '/' at column 3");
    expect(thrown(() => run("payload.nested * 2")).message).toBe(
      "Cannot multiply an object and a number with '*' at column 16",
    );
    expect(thrown(() => run("nope(1)")).message).toContain("Unknown function 'nope'");
    expect(thrown(() => run("len(1, 2)")).message).toBe("len() takes 1 argument, got 2 at column 1");
    expect(thrown(() => run('substring("abc")')).message).toBe(
      "substring() takes 2 to 3 arguments, got 1 at column 1",
    );
    expect(thrown(() => run("toUpperCase(42)")).message).toBe(
      "toUpperCase() expects a string as argument 1, got a number at column 1",
    );
    expect(thrown(() => run("a + )")).message).toBe("Unexpected ')' (expected a value) at column 5");
    expect(thrown(() => run("payload.a()")).message).toContain("only built-in functions can be called");
    expect(thrown(() => run("a = 1")).message).toContain("use == to compare");
  });

  test("a compiled expression can be evaluated many times against different scopes", () => {
    const expression = compileExpression("payload.temp * 2");
    expect(expression.evaluate({ payload: { temp: 1 } })).toBe(2);
    expect(expression.evaluate({ payload: { temp: 3 } })).toBe(6);
    expect(expression.evaluate({})).toBeNull();
  });

  test("variables come only from the scope's own properties", () => {
    const scope = Object.create({ inherited: 1 }) as Record<string, number>;
    scope.own = 2;
    expect(compileExpression("inherited").evaluate(scope)).toBeNull();
    expect(compileExpression("own").evaluate(scope)).toBe(2);
    expect(compileExpression("payload").evaluate({ payload: undefined })).toBeNull();
  });

  test("an object literal with a __proto__ key stores it as data and pollutes nothing", () => {
    const result = compileExpression('{"__proto__": {"polluted": true}, a: 1}').evaluate({});
    expect(Object.hasOwn(result as object, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.stringify(result)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });

  test("a host value that is not JSON reads as null", () => {
    const scope = { payload: { fn: () => 1, date: new Date(0), nan: Number.NaN } } as unknown as Record<
      string,
      JsonValue
    >;
    expect(compileExpression("payload.fn").evaluate(scope)).toBeNull();
    expect(compileExpression("payload.date").evaluate(scope)).toBeNull();
    expect(compileExpression("payload.nan").evaluate(scope)).toBeNull();
  });

  test("now() uses the clock given in the options, and Date.now otherwise", () => {
    expect(compileExpression("now()").evaluate({}, { now: () => 5 })).toBe(5);
    const before = Date.now();
    const now = compileExpression("now()").evaluate({}) as number;
    expect(now).toBeGreaterThanOrEqual(before);
  });

  test("a value nested too deep to compare is a limit error, not a crash", () => {
    const deep = `${"[".repeat(200_000)}${"]".repeat(200_000)}`;
    const scope = { payload: { deep } };
    const caught = thrown(() => compileExpression("jsonParse(payload.deep) == []").evaluate(scope));
    expect(caught.code).toBe("expression_limit");
  });
});
