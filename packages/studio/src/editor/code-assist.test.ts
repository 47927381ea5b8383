import { describe, expect, it } from "vitest";
import { checkScript, completeInputField } from "./code-assist.ts";

describe("the code action's script", () => {
  it("a syntax error is reported with its line and column, and placed at its character", () => {
    const source = "function main(input) {\n  return input.payload.t * ;\n}";
    const error = checkScript(source);
    expect(error?.message).toBe("JavaScript syntax error at line 2, column 28");
    expect(source[(error?.column ?? 0) - 1]).toBe(";");
  });

  it("a script without main says the action needs it; a correct one passes", () => {
    expect(checkScript("const x = 1;")?.message).toMatch(/must define a function main\(input\)/);
    expect(checkScript("function main(input) { return input.payload; }")).toBeUndefined();
    expect(checkScript("const main = ({ payload }) => payload.t * 2;")).toBeUndefined();
  });

  it("suggests the test message's fields after payload. and input.payload., nothing elsewhere", () => {
    const scope = { samplePayload: { temp: 9.5, site: { name: "a" } }, contextKeys: ["eventType"] };
    const labels = (source: string) =>
      completeInputField(source, source.length, scope)?.options.map((option) => option.label);
    expect(labels("return input.payload.")).toEqual(["temp", "site"]);
    expect(labels("return payload.site.")).toEqual(["name"]);
    expect(labels("x = input.context.")).toEqual(["eventType"]);
    expect(labels("return Math.")).toBeUndefined();
    const source = "return input.payload.te";
    expect(completeInputField(source, source.length, scope)?.from).toBe(source.length - 2);
  });
});
