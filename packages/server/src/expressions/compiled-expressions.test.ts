import { describe, expect, it } from "vitest";
import { CompiledBySource, compileConditionOnce, compileTemplateOnce } from "./compiled-expressions.ts";

describe("compiled expressions", () => {
  it("compiles a condition or template once per source text and reuses it for every step", () => {
    const condition = compileConditionOnce("payload.temp > 8");
    expect(compileConditionOnce(`payload.temp ${">"} 8`)).toBe(condition);
    expect(condition.evaluate({ payload: { temp: 9 } })).toBe(true);
    expect(condition.evaluate({ payload: { temp: 7 } })).toBe(false);
    const template = compileTemplateOnce('{"t": ${payload.temp}}', "json");
    expect(compileTemplateOnce('{"t": ${payload.temp}}', "json")).toBe(template);
    expect(template.render({ payload: { temp: 9 } })).toEqual({ t: 9 });
  });

  it("keeps a template's text and JSON forms apart", () => {
    const source = '{"t": ${payload.temp}}';
    expect(compileTemplateOnce(source, "text").render({ payload: { temp: 9 } })).toBe('{"t": 9}');
    expect(compileTemplateOnce(source, "json").render({ payload: { temp: 9 } })).toEqual({ t: 9 });
  });

  it("throws a syntax error every time instead of keeping it", () => {
    expect(() => compileConditionOnce("payload.temp >")).toThrow(/column/);
    expect(() => compileConditionOnce("payload.temp >")).toThrow(/column/);
  });

  it("starts over once the sources it keeps exceed its character budget", () => {
    let compiled = 0;
    const cache = new CompiledBySource((source) => ({ source, n: ++compiled }), 10);
    const first = cache.get("aaaa");
    expect(cache.get("aaaa")).toBe(first);
    cache.get("bbbb");
    expect(compiled).toBe(2);
    cache.get("cccc");
    expect(compiled).toBe(3);
    expect(cache.get("cccc").n).toBe(3);
    expect(cache.get("aaaa")).not.toBe(first);
    expect(compiled).toBe(4);
  });
});
