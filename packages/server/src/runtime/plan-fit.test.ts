import { type AppDefinition, appDefinitionSchema } from "@conflux/core";
import { describe, expect, it } from "vitest";
import { appOverPlan, appsOverPlan, newAppOverPlan, type PlanAllowance } from "./plan-fit.ts";

function appWith(name: string, actions: number, cron?: { enabled: boolean }): AppDefinition {
  return appDefinitionSchema.parse({
    name,
    channels: [
      {
        channelId: "tick",
        name: "every morning",
        ...(cron
          ? { eventSource: { type: "scheduled-timer", enabled: cron.enabled, config: { cron: "0 9 * * *" } } }
          : {}),
      },
    ],
    actions: Array.from({ length: actions }, (_, index) => ({
      actionId: `a${index}`,
      channelId: "tick",
      type: "webhook",
      config: { url: "https://example.com", method: "POST" },
    })),
  });
}

const free: PlanAllowance = { planId: "free", limits: { apps: 2, actionsPerApp: 3 }, features: [] };
const paid: PlanAllowance = { planId: "paid", limits: {}, features: ["timer.cron"] };

describe("whether apps fit a plan", () => {
  it("names the actionsPerApp limit when an app has more actions than the plan allows", () => {
    expect(appOverPlan(appWith("small", 3), free)).toBeUndefined();
    expect(appOverPlan(appWith("big", 4), free)).toBe(
      "app 'big' has 4 actions; plan 'free' allows 3 (limit actionsPerApp)",
    );
    expect(appOverPlan(appWith("big", 40), paid)).toBeUndefined();
  });

  it("names feature timer.cron for an enabled cron timer on a plan without it; a turned-off one is not in use", () => {
    expect(appOverPlan(appWith("report", 1, { enabled: true }), free)).toBe(
      "the cron timer of channel 'every morning' in app 'report' needs feature timer.cron, which plan 'free' does not have",
    );
    expect(appOverPlan(appWith("report", 1, { enabled: false }), free)).toBeUndefined();
    expect(appOverPlan(appWith("report", 1, { enabled: true }), paid)).toBeUndefined();
  });

  it("names the apps limit for one app too many, and for an account over it", () => {
    expect(newAppOverPlan(1, free)).toBeUndefined();
    expect(newAppOverPlan(2, free)).toBe("plan 'free' allows 2 apps (limit apps) and this account has 2");
    expect(newAppOverPlan(1_000, paid)).toBeUndefined();
    const three = [appWith("a", 1), appWith("b", 1), appWith("c", 1)];
    expect(appsOverPlan(three, free)).toBe("this account has 3 apps; plan 'free' allows 2 (limit apps)");
    expect(appsOverPlan(three.slice(0, 2), free)).toBeUndefined();
    expect(appsOverPlan([appWith("a", 1), appWith("report", 1, { enabled: true })], free)).toContain(
      "needs feature timer.cron",
    );
  });
});
