import { describe, expect, it } from "vitest";
import type { Plan } from "../store/plans.ts";
import { effectiveFrom, viewOf } from "./operator-plan.ts";

const planAt = (planId: string, monthlyFee: number): Plan => ({
  planId,
  name: planId,
  monthlyFee,
  included: { events: 0, aiCredits: 0 },
  limits: {},
  features: [],
});
const developer = planAt("developer", 0);
const standard = planAt("standard", 3_000);
const other = planAt("other", 3_000);
const now = Date.parse("2026-12-05T12:00:00Z");

describe("when a plan change takes effect", () => {
  it("is at once for an upgrade or an equal fee, and from the next month's first instant for a downgrade", () => {
    expect(effectiveFrom(developer, standard, now, "UTC")).toBe(now);
    expect(effectiveFrom(standard, other, now, "UTC")).toBe(now);
    expect(effectiveFrom(standard, developer, now, "UTC")).toBe(Date.parse("2027-01-01T00:00:00Z"));
    expect(effectiveFrom(standard, developer, now, "Asia/Tokyo")).toBe(Date.parse("2026-12-31T15:00:00Z"));
  });

  it("shows a pending change's first day in the billing time zone", () => {
    const pending = { plan: developer, fromMs: Date.parse("2026-12-31T15:00:00Z") };
    expect(viewOf({ current: standard, pending }, "Asia/Tokyo")).toEqual({
      planId: "standard",
      pendingPlanId: "developer",
      pendingFrom: "2027-01-01",
    });
    expect(viewOf({ current: standard }, "Asia/Tokyo")).toEqual({ planId: "standard" });
  });
});
