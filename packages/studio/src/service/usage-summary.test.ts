import { describe, expect, it } from "vitest";
import { summarizeUsage } from "./usage-summary.ts";

describe("a usage panel's figures", () => {
  it("without a cap fill against the included amount and count what goes beyond it", () => {
    expect(summarizeUsage({ used: 150, included: 100 })).toEqual({
      used: 150,
      included: 100,
      beyondIncluded: 50,
      fill: 1,
    });
    expect(summarizeUsage({ used: 25, included: 100 }).fill).toBe(0.25);
  });

  it("take the lower of the operator's quota and the plan's limit as the cap", () => {
    expect(summarizeUsage({ used: 40, included: 10, quota: 80, planLimit: 50 })).toMatchObject({
      cap: { amount: 50, by: "plan" },
      leftBeforeCap: 10,
      fill: 0.8,
    });
    expect(summarizeUsage({ used: 90, included: 10, quota: 60, planLimit: 500 })).toMatchObject({
      cap: { amount: 60, by: "quota" },
      leftBeforeCap: 0,
      fill: 1,
    });
  });

  it("a zero cap or zero included amount fills only once something is used", () => {
    expect(summarizeUsage({ used: 0, included: 0 }).fill).toBe(0);
    expect(summarizeUsage({ used: 1, included: 0, quota: 0 }).fill).toBe(1);
  });
});
