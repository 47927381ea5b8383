import { describe, expect, it } from "vitest";
import { BoundClocks } from "./bound-clocks.ts";

const silent = { warn: () => {} };
const real = Date.parse("2026-12-05T10:00:00Z");
const frozen = Date.parse("2031-01-20T09:00:00Z");

describe("the cache of operators bound to test clocks", () => {
  it("gives an operator on a clock the clock's time and every other the real time", async () => {
    const clocks = new BoundClocks(async () => new Map([["OPC", frozen]]), silent);
    expect(clocks.at("OPC", real)).toBe(real);
    await clocks.refresh();
    expect(clocks.at("OPC", real)).toBe(frozen);
    expect(clocks.at("OPR", real)).toBe(real);
  });

  it("keeps the newer reading when an older one ends after it", async () => {
    const answers: Array<(frozenTimes: Map<string, number>) => void> = [];
    const clocks = new BoundClocks(() => new Promise((resolve) => answers.push(resolve)), silent);
    const older = clocks.refresh();
    const newer = clocks.refresh();
    answers[1]?.(new Map([["OPC", frozen + 1]]));
    await newer;
    answers[0]?.(new Map([["OPC", frozen]]));
    await older;
    expect(clocks.at("OPC", real)).toBe(frozen + 1);
  });

  it("keeps the last reading when a read fails", async () => {
    let fail = false;
    const clocks = new BoundClocks(async () => {
      if (fail) throw new Error("database gone");
      return new Map([["OPC", frozen]]);
    }, silent);
    await clocks.refresh();
    fail = true;
    await clocks.refresh();
    expect(clocks.at("OPC", real)).toBe(frozen);
  });
});
