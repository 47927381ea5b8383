import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonTextNestsDeeperThan, jsonValueNestsDeeperThan } from "./json-depth.ts";

describe("JSON depth", () => {
  it("text and value agree with the depth of any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 14 }), (value, limit) => {
        const text = JSON.stringify(value);
        expect(jsonTextNestsDeeperThan(text, limit)).toBe(jsonValueNestsDeeperThan(value, limit));
      }),
    );
  });

  it("brackets inside strings, escaped quotes included, do not count", () => {
    expect(jsonTextNestsDeeperThan(JSON.stringify({ a: '[[[[\\"[[[' }), 1)).toBe(false);
    expect(jsonTextNestsDeeperThan('{"a":{"b":1}}', 1)).toBe(true);
  });

  it("sixteen thousand levels are found without overflowing the stack", () => {
    const text = `${"[".repeat(16_000)}${"]".repeat(16_000)}`;
    expect(jsonTextNestsDeeperThan(text, 64)).toBe(true);
    expect(jsonValueNestsDeeperThan(JSON.parse(text), 64)).toBe(true);
    expect(jsonValueNestsDeeperThan(JSON.parse(text), 16_000)).toBe(false);
  });
});
