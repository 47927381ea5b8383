import { describe, expect, it } from "vitest";
import type { Plan } from "../service/service-api.ts";
import { draftOfPlan, planOfDraft } from "./plan-draft.ts";

const standard: Plan = {
  planId: "standard",
  name: "Standard",
  monthlyFee: 5000,
  included: { events: 100_000, aiCredits: 1000 },
  overage: { events: { blockSize: 10_000, pricePerBlock: 300 } },
  limits: { apps: 20, actionsPerApp: 50 },
  features: ["timer.cron"],
};

describe("the plans editor's draft", () => {
  it("turns a plan into a draft and back unchanged", () => {
    const { planId, ...body } = standard;
    expect(planOfDraft(draftOfPlan(standard))).toEqual({ planId, body });
  });

  it("leaves out an overage with neither field, and empty limits; splits features on commas and spaces", () => {
    const draft = draftOfPlan();
    const answer = planOfDraft({
      ...draft,
      planId: "lite",
      name: " Lite ",
      monthlyFee: "0",
      included: { events: "10", aiCredits: "0" },
      features: "timer.cron,  collect timer.cron",
    });
    expect(answer).toEqual({
      planId: "lite",
      body: {
        name: "Lite",
        monthlyFee: 0,
        included: { events: 10, aiCredits: 0 },
        limits: {},
        features: ["timer.cron", "collect"],
      },
    });
  });

  it("names each wrong field: fractions, negative numbers, half an overage, a zero block", () => {
    const draft = draftOfPlan(standard);
    const answer = planOfDraft({
      ...draft,
      planId: "a/b",
      name: "",
      monthlyFee: "12.5",
      overage: {
        events: { blockSize: "0", pricePerBlock: "300" },
        aiCredits: { blockSize: "", pricePerBlock: "9" },
      },
      limits: { apps: "-1" },
    });
    expect(answer).toEqual({
      problems: {
        planId: "Letters, digits, _ . and -; up to 64.",
        name: "A name operators will see.",
        monthlyFee: "A whole number, 0 or more.",
        "overage.events.blockSize": "A whole number, 1 or more.",
        "overage.aiCredits.blockSize": "A whole number, 1 or more.",
        "limits.apps": "A whole number, 0 or more.",
      },
    });
  });
});
