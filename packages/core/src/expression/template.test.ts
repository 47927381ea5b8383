// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings under test are templates with ${…} parts
import { describe, expect, test } from "vitest";
import { ExpressionError } from "./errors.ts";
import { checkTemplate, compileTemplate, type TemplateMode } from "./template.ts";
import { testNow, testScope } from "./test-scope.ts";
import type { JsonValue } from "./values.ts";

function render(source: string, mode: TemplateMode): JsonValue {
  return compileTemplate(source, mode).render(testScope, { now: testNow });
}

function errorOf(work: () => unknown): ExpressionError {
  try {
    work();
  } catch (caught) {
    if (caught instanceof ExpressionError) return caught;
    throw caught;
  }
  throw new Error("nothing was thrown");
}

describe("templates in text mode", () => {
  test.each<[string, JsonValue]>([
    ["Temperature: ${payload.temp} °C", "Temperature: 9.5 °C"],
    ["Hello ${payload.name}!", "Hello sensor-1!"],
    ["${payload.name} is at ${payload.temp}", "sensor-1 is at 9.5"],
    ["${payload.temp}${payload.humidity}", "9.540"],
    ["Tags: ${payload.tags}", 'Tags: ["cold","chain"]'],
    ["Data: ${payload.nested}", 'Data: {"a":{"b":{"c":42}}}'],
    ["missing: ${payload.missing}", "missing: null"],
    ["flag: ${payload.flag}", "flag: true"],
    [" ${payload.temp}", " 9.5"],
    ["${payload.temp} ", "9.5 "],
    ["no placeholders", "no placeholders"],
    ["", ""],
    ["costs $5 and {braces}", "costs $5 and {braces}"],
    ["\\${not an expression}", "${not an expression}"],
    ["a \\ b", "a \\ b"],
    ["${payload.temp > 8 ? 'hot' : 'ok'} now", "hot now"],
    ['x${ {a: "}"}.a }y', "x}y"],
    ['${"${"} and ${"}"}', "${ and }"],
    ["${toUpperCase(payload.name)}: ${formatDate(now(), 'HH:mm', 'Asia/Tokyo')}", "SENSOR-1: 18:30"],
    ["line 1\nline 2: ${payload.temp}\n", "line 1\nline 2: 9.5\n"],
    ["${payload.quote}!", 'He said "hi"\nthen left!'],
  ])("%j renders %j", (source, expected) => {
    expect(render(source, "text")).toEqual(expected);
    expect(compileTemplate(source, "text").isSingleExpression).toBe(false);
  });

  test.each<[string, JsonValue]>([
    ["${event.payload.temp}", 9.5],
    ["${payload}", testScope.payload ?? null],
    ["${payload.tags}", ["cold", "chain"]],
    ["${payload.missing}", null],
    ["${payload.name}", "sensor-1"],
    ["${ payload.temp * 2 }", 19],
    ["${{id: context.resource.deviceId, t: payload.temp}}", { id: "dev-1", t: 9.5 }],
  ])("a template that is exactly one ${…}, %j, renders the value itself", (source, expected) => {
    const template = compileTemplate(source, "text");
    expect(template.isSingleExpression).toBe(true);
    expect(template.render(testScope)).toEqual(expected);
  });

  test.each<[string, number, string]>([
    [
      "Hello ${payload.name",
      21,
      "Unexpected end of expression (expected '}' to close the '${' at column 7) at column 21",
    ],
    ["${}", 1, "Empty ${} placeholder at column 1"],
    ["ab ${ }", 4, "Empty ${} placeholder at column 4"],
    ["x ${a +}", 8, "Unexpected '}' (expected a value) at column 8"],
    ["${a} ${b c}", 10, "Unexpected 'c' (expected '}' to close the '${' at column 6) at column 10"],
    ['line 1\n${"unterminated}', 10, "Missing closing quote for the string starting at column 10"],
    [
      "${payload.a()}",
      12,
      "Unexpected '(' (only built-in functions can be called, by name, as in len(x)) at column 12",
    ],
  ])("a syntax error in %j is reported at column %i of the whole template", (source, column, message) => {
    const caught = errorOf(() => compileTemplate(source, "text"));
    expect(caught.code).toBe("expression_syntax");
    expect(caught.column).toBe(column);
    expect(caught.message).toBe(message);
    expect(checkTemplate(source, "text")).toMatchObject({ code: "expression_syntax", column });
  });

  test("an evaluation error is reported at its column in the whole template", () => {
    const caught = errorOf(() => render("Value:\n${payload.temp / 0}", "text"));
    expect(caught).toMatchObject({ code: "expression_type", column: 23 });
    expect(errorOf(() => render("${nope()}", "text"))).toMatchObject({ code: "expression_type", column: 3 });
  });

  test("checkTemplate returns undefined for a valid template", () => {
    expect(checkTemplate("Hello ${payload.name}", "text")).toBeUndefined();
    expect(checkTemplate("", "text")).toBeUndefined();
    expect(checkTemplate("${nope(1)}", "text")).toBeUndefined();
  });

  test("a template is limited to 65,536 characters", () => {
    expect(checkTemplate("x".repeat(65_536), "text")).toBeUndefined();
    expect(checkTemplate("x".repeat(65_537), "text")).toMatchObject({ code: "expression_limit" });
    expect(checkTemplate("x".repeat(1_048_576), "json")).toMatchObject({ code: "expression_limit" });
    expect(checkTemplate(`\${${"[".repeat(60_000)}}`, "text")).toMatchObject({
      code: "expression_limit",
      column: 67,
    });
  });

  test("a rendered template is limited to 1 MiB", () => {
    const template = compileTemplate("${payload.s}${payload.s}", "text");
    expect(() => template.render({ payload: { s: "x".repeat(600_000) } })).toThrowError(
      expect.objectContaining({ code: "expression_limit" }),
    );
  });
});

describe("templates in JSON mode", () => {
  test.each<[string, JsonValue]>([
    ['{"temp": ${payload.temp}, "name": "${payload.name}"}', { temp: 9.5, name: "sensor-1" }],
    ['{"tags": ${payload.tags}, "n": ${len(payload.tags)}}', { tags: ["cold", "chain"], n: 2 }],
    ['{"message": "Tags: ${payload.tags}"}', { message: 'Tags: ["cold","chain"]' }],
    ['{"nested": "${payload.nested}"}', { nested: '{"a":{"b":{"c":42}}}' }],
    ['{"quote": "${payload.quote}"}', { quote: 'He said "hi"\nthen left' }],
    ['{"raw": ${payload.quote}}', { raw: 'He said "hi"\nthen left' }],
    ['{"x": ${payload.missing}, "y": "${payload.missing}"}', { x: null, y: "null" }],
    ['"${payload.temp}"', "9.5"],
    ['[${payload.temp}, "${payload.temp}", "t=${payload.temp}"]', [9.5, "9.5", "t=9.5"]],
    ['{"escaped \\" ${payload.name}": 1}', { 'escaped " sensor-1': 1 }],
    ['{"a": "\\\\${payload.name}"}', { a: "\\sensor-1" }],
    ['{"a": "\\${payload.name}"}', { a: "${payload.name}" }],
    ['{"a": ${"}"}, "b": "${"\\""}"}', { a: "}", b: '"' }],
    ['{"${payload.keyName}": ${payload.temp}}', { temp: 9.5 }],
    [
      '{"device": ${context.resource}, "at": ${now()}}',
      { device: { resourceType: "Device", deviceId: "dev-1" }, at: 1709803800000 },
    ],
    [
      '{\n  "text": "Temp ${payload.temp} at ${formatDate(payload.time, "HH:mm", "Asia/Tokyo")}"\n}',
      { text: "Temp 9.5 at 18:30" },
    ],
    ["[1, 2, 3]", [1, 2, 3]],
  ])("%s renders %j", (source, expected) => {
    expect(render(source, "json")).toEqual(expected);
  });

  test("a JSON template that is exactly one ${…} renders the value itself", () => {
    const template = compileTemplate("${payload.nested}", "json");
    expect(template.isSingleExpression).toBe(true);
    expect(template.render(testScope)).toEqual({ a: { b: { c: 42 } } });
    expect(compileTemplate("${payload.name}", "json").render(testScope)).toBe("sensor-1");
  });

  test.each([
    ['{"a": ${payload.temp}'],
    ["${payload.name} and more"],
    [""],
    ['{"a": 1} trailing'],
    ['{"a": 1e400}'],
  ])("%j does not render to valid JSON, which is an expression_type error", (source) => {
    const caught = errorOf(() => render(source, "json"));
    expect(caught.code).toBe("expression_type");
    expect(caught.message).toMatch(/^The rendered template is not valid JSON: /);
  });

  test("an output transform that quotes some parts and inserts a whole value renders to JSON", () => {
    const template = compileTemplate(
      '{"alert": "${toUpperCase(result.sensor)} is at ${result.temp} C", "reading": ${result}}',
      "json",
    );
    const reading = { sensor: "fridge-2", temp: 9.1, limit: 8 };
    expect(template.render({ payload: {}, result: reading })).toEqual({
      alert: "FRIDGE-2 is at 9.1 C",
      reading,
    });
  });

  test("a __proto__ key in JSON content is data and pollutes nothing", () => {
    const result = render('{"__proto__": {"polluted": ${payload.flag}}}', "json");
    expect(Object.hasOwn(result as object, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("a syntax error in a JSON template has its column in the whole template", () => {
    expect(checkTemplate('{"a": ${payload.temp >}}', "json")).toMatchObject({
      code: "expression_syntax",
      column: 23,
    });
    expect(checkTemplate('{"a": "${payload.temp}"}', "json")).toBeUndefined();
  });
});
