// Plans end to end (billing.md "Plans and metering"): the provider defines them, operators list and
// choose them, upgrades apply at once and downgrades next month, and the apps keep within them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstDayOfNextMonth } from "../src/plans/zoned-month.ts";
import { useContractDatabases } from "./databases.ts";
import { type ApiSession, signUp, startTestConflux } from "./harness.ts";
import { providerSession } from "./provider-session.ts";
import { userSession } from "./user-session.ts";

const { databases } = await useContractDatabases("plans-api");

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let provider: ApiSession;

const standard = {
  name: "Standard",
  monthlyFee: 3_000,
  included: { events: 100_000, aiCredits: 1_000 },
  overage: { events: { blockSize: 10_000, pricePerBlock: 100 } },
  limits: { apps: 3, actionsPerApp: 20, historyRetentionDays: 90 },
  features: ["timer.cron"],
};
const small = {
  name: "Small",
  monthlyFee: 500,
  included: { events: 10_000, aiCredits: 0 },
  limits: { apps: 1, actionsPerApp: 2 },
};

/** An app with `actions` republish actions; with `cron`, its channel's source is a cron timer. */
function appWith(actions: number, cron?: { enabled: boolean }) {
  return {
    name: cron ? "morning report" : "relay",
    channels: [
      {
        channelId: "in",
        name: "every morning",
        eventSource: cron
          ? {
              type: "scheduled-timer",
              enabled: cron.enabled,
              config: { cron: "0 9 * * *", timezone: "Asia/Tokyo" },
            }
          : { type: "api", config: {} },
      },
    ],
    actions: Array.from({ length: actions }, (_, index) => ({
      actionId: `a${index}`,
      channelId: "in",
      type: "republish",
      config: {},
    })),
  };
}

const cronTimer = { enabled: true };

async function putPlan(planId: string, body: unknown) {
  const answer = await provider.call("PUT", `/v1/provider/plans/${planId}`, body);
  expect(answer.status, answer.text).toBe(200);
  return answer.body;
}

describe.each(databases)("on %s", (_name, database) => {
  beforeAll(async () => {
    if (!database) return;
    conflux = await startTestConflux({ database });
    provider = await providerSession(conflux);
    // Every test may choose these; the first checks how they read back.
    await putPlan("standard", standard);
    await putPlan("small", small);
  });
  afterAll(async () => conflux?.cleanUp());

  describe.skipIf(!database)("the provider's plans", () => {
    it("are defined as billing.md says, with limits {} and features [] when absent, and listed to operators", async () => {
      expect(await putPlan("standard", standard)).toEqual({ planId: "standard", ...standard });
      expect(await putPlan("small", small)).toEqual({ planId: "small", ...small, features: [] });
      const minimal = { name: "Trial", monthlyFee: 0, included: { events: 1_000, aiCredits: 10 } };
      expect(await putPlan("trial", minimal)).toEqual({
        planId: "trial",
        ...minimal,
        limits: {},
        features: [],
      });
      expect((await provider.call("GET", "/v1/provider/plans/small")).body).toEqual({
        planId: "small",
        ...small,
        features: [],
      });

      const operator = await signUp(conflux.url);
      const listed = await operator.call("GET", "/v1/plans");
      expect(listed.status).toBe(200);
      expect(listed.body.map((plan: { planId: string }) => plan.planId)).toEqual([
        "developer",
        "trial",
        "small",
        "standard",
      ]);
      expect(listed.body[0]).toEqual({
        planId: "developer",
        name: "Developer",
        monthlyFee: 0,
        included: { events: 0, aiCredits: 0 },
        limits: {},
        features: [],
      });
      expect((await provider.call("GET", "/v1/provider/plans")).body).toEqual(listed.body);
    });

    it("answers 400 naming what is wrong in a plan", async () => {
      const cases: Array<[unknown, RegExp]> = [
        [{ monthlyFee: 1, included: { events: 0, aiCredits: 0 } }, /name/],
        [{ ...small, monthlyFee: -1 }, /monthlyFee/],
        [{ ...small, monthlyFee: 1.5 }, /monthlyFee/],
        [{ ...small, included: { events: 1 } }, /aiCredits/],
        [{ ...small, overage: { events: { blockSize: 0, pricePerBlock: 1 } } }, /blockSize/],
        [{ ...small, limits: { apps: 1, seats: 3 } }, /seats/],
        [{ ...small, features: ["Timer Cron"] }, /feature/],
        [{ ...small, features: ["timer.cron", "timer.cron"] }, /once/],
        [{ ...small, price: 3 }, /price/],
      ];
      for (const [body, message] of cases) {
        const answer = await provider.call("PUT", "/v1/provider/plans/bad", body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(answer.body.message, JSON.stringify(body)).toMatch(message);
      }
      const badId = await provider.call("PUT", "/v1/provider/plans/Not%20A%20Plan", small);
      expect(badId.status).toBe(400);
      expect(badId.body.message).toMatch(/plan id/);
      expect((await provider.call("GET", "/v1/provider/plans/bad")).status).toBe(404);
    });

    it("deletes a plan nobody uses, refuses one in use (409) and never deletes the developer plan", async () => {
      await putPlan("seasonal", { ...small, name: "Seasonal" });
      const operator = await signUp(conflux.url);
      await provider.call("PUT", `/v1/provider/operators/${operator.operatorId}/plan`, {
        planId: "seasonal",
      });
      const inUse = await provider.call("DELETE", "/v1/provider/plans/seasonal");
      expect(inUse.status).toBe(409);
      expect(inUse.body).toMatchObject({ code: "conflict", message: expect.stringContaining("in use") });
      const developer = await provider.call("DELETE", "/v1/provider/plans/developer");
      expect(developer.status).toBe(409);
      expect(developer.body.message).toContain("built in");

      await provider.call("PUT", `/v1/provider/operators/${operator.operatorId}/plan`, {
        planId: "developer",
      });
      expect((await provider.call("DELETE", "/v1/provider/plans/seasonal")).status).toBe(204);
      expect((await provider.call("GET", "/v1/provider/plans/seasonal")).status).toBe(404);
      expect((await provider.call("DELETE", "/v1/provider/plans/seasonal")).status).toBe(404);
      const gone = await operator.call("PUT", `/v1/operators/${operator.operatorId}/plan`, {
        planId: "seasonal",
      });
      expect(gone.status).toBe(404);
    });
  });

  describe.skipIf(!database)("an operator's plan", () => {
    it("is developer for a new operator; an upgrade applies at once, a downgrade from the first of next month", async () => {
      const operator = await signUp(conflux.url);
      const path = `/v1/operators/${operator.operatorId}/plan`;
      expect((await operator.call("GET", path)).body).toEqual({ planId: "developer" });

      const upgraded = await operator.call("PUT", path, { planId: "standard" });
      expect(upgraded.status).toBe(200);
      expect(upgraded.body).toEqual({ planId: "standard" });
      expect((await operator.call("GET", path)).body).toEqual({ planId: "standard" });

      const downgraded = await operator.call("PUT", path, { planId: "small" });
      expect(downgraded.status).toBe(200);
      // The provider's billing time zone is UTC unless set.
      expect(downgraded.body).toEqual({
        planId: "standard",
        pendingPlanId: "small",
        pendingFrom: firstDayOfNextMonth(Date.now(), "UTC").date,
      });
      expect((await operator.call("GET", path)).body).toEqual(downgraded.body);
      expect((await provider.call("GET", `/v1/provider/operators/${operator.operatorId}/plan`)).body).toEqual(
        downgraded.body,
      );
      // Until then the plan in force is still the one that allows cron timers.
      expect((await operator.call("POST", "/v1/apps", appWith(1, cronTimer))).status).toBe(201);

      // Choosing the plan in force again cancels the downgrade.
      expect((await operator.call("PUT", path, { planId: "standard" })).body).toEqual({ planId: "standard" });
    });

    it("starts a downgrade on the first of next month in the provider's billing time zone", async () => {
      const settings = (await provider.call("GET", "/v1/provider/settings")).body;
      const zone = "Pacific/Kiritimati";
      expect(
        (await provider.call("PUT", "/v1/provider/settings", { ...settings, billingTimeZone: zone })).status,
      ).toBe(200);
      try {
        const operator = await signUp(conflux.url);
        const path = `/v1/operators/${operator.operatorId}/plan`;
        await operator.call("PUT", path, { planId: "standard" });
        const downgraded = await operator.call("PUT", path, { planId: "developer" });
        expect(downgraded.body).toEqual({
          planId: "standard",
          pendingPlanId: "developer",
          pendingFrom: firstDayOfNextMonth(Date.now(), zone).date,
        });
      } finally {
        await provider.call("PUT", "/v1/provider/settings", settings);
      }
    });

    it("is refused (409) a change while a plan-only feature is in use or the apps exceed the plan's limits", async () => {
      const operator = await signUp(conflux.url);
      const path = `/v1/operators/${operator.operatorId}/plan`;
      await operator.call("PUT", path, { planId: "standard" });
      const report = await operator.call("POST", "/v1/apps", appWith(1, cronTimer));
      expect(report.status).toBe(201);

      const lacksCron = await operator.call("PUT", path, { planId: "developer" });
      expect(lacksCron.status).toBe(409);
      expect(lacksCron.body.code).toBe("conflict");
      expect(lacksCron.body.message).toContain("timer.cron");
      expect(lacksCron.body.message).toContain("channel 'every morning' in app 'morning report'");

      // With the timer turned off the feature is not in use; two apps are one more than small allows.
      const turnedOff = appWith(1, { enabled: false });
      expect((await operator.call("PUT", `/v1/apps/${report.body.appId}`, turnedOff)).status).toBe(200);
      expect((await operator.call("POST", "/v1/apps", appWith(1))).status).toBe(201);
      const tooManyApps = await operator.call("PUT", path, { planId: "small" });
      expect(tooManyApps.status).toBe(409);
      expect(tooManyApps.body.message).toBe(
        "cannot change to plan 'small': this account has 2 apps; plan 'small' allows 1 (limit apps)",
      );
      expect((await operator.call("GET", path)).body).toEqual({ planId: "standard" });

      // One app with three actions is still over small's two actions per app.
      expect((await operator.call("DELETE", `/v1/apps/${report.body.appId}`)).status).toBe(204);
      const [relay] = (await operator.call("GET", "/v1/apps")).body.items;
      expect((await operator.call("PUT", `/v1/apps/${relay.appId}`, appWith(3))).status).toBe(200);
      const tooManyActions = await operator.call("PUT", path, { planId: "small" });
      expect(tooManyActions.status).toBe(409);
      expect(tooManyActions.body.message).toContain("limit actionsPerApp");

      expect((await operator.call("PUT", `/v1/apps/${relay.appId}`, appWith(2))).status).toBe(200);
      expect((await operator.call("PUT", path, { planId: "small" })).body).toMatchObject({
        pendingPlanId: "small",
      });
    });

    it("answers 400 for a bad body and 404 for an unknown plan", async () => {
      const operator = await signUp(conflux.url);
      const path = `/v1/operators/${operator.operatorId}/plan`;
      for (const body of [{}, { planId: 5 }, { planId: "standard", when: "now" }]) {
        const answer = await operator.call("PUT", path, body);
        expect(answer.status, JSON.stringify(body)).toBe(400);
        expect(answer.body.code).toBe("validation_failed");
      }
      const unknown = await operator.call("PUT", path, { planId: "gold" });
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toBe("no plan gold");
    });

    it("is changed by the root user only, read by a permitted user, and never another operator's", async () => {
      const operator = await signUp(conflux.url);
      const path = `/v1/operators/${operator.operatorId}/plan`;
      await operator.call("POST", `/v1/operators/${operator.operatorId}/users/admin`, {});
      await operator.call("PUT", `/v1/operators/${operator.operatorId}/users/admin/permission`, {
        permission: JSON.stringify({ statements: [{ effect: "allow", api: "*" }] }),
      });
      const user = await userSession(conflux, operator.operatorId, "admin");
      expect((await user.call("GET", path)).body).toEqual({ planId: "developer" });
      const change = await user.call("PUT", path, { planId: "standard" });
      expect(change.status).toBe(403);
      expect(change.body.message).toContain("only the root user may");

      const other = await signUp(conflux.url);
      expect((await other.call("GET", path)).status).toBe(404);
      expect((await other.call("PUT", path, { planId: "standard" })).status).toBe(404);
      expect((await operator.call("GET", "/v1/provider/plans")).status).toBe(401);
    });

    it("is set by the provider at once, whatever the fee and the apps, and 404 for an unknown operator", async () => {
      const operator = await signUp(conflux.url);
      await operator.call("PUT", `/v1/operators/${operator.operatorId}/plan`, { planId: "standard" });
      expect((await operator.call("POST", "/v1/apps", appWith(1, cronTimer))).status).toBe(201);
      const path = `/v1/provider/operators/${operator.operatorId}/plan`;
      const set = await provider.call("PUT", path, { planId: "developer" });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ planId: "developer" });
      expect((await operator.call("GET", `/v1/operators/${operator.operatorId}/plan`)).body).toEqual({
        planId: "developer",
      });
      expect((await provider.call("GET", "/v1/provider/operators/OP9999999999/plan")).status).toBe(404);
      expect(
        (await provider.call("PUT", "/v1/provider/operators/OP9999999999/plan", { planId: "small" })).status,
      ).toBe(404);
      expect((await provider.call("PUT", path, { planId: "gold" })).status).toBe(404);
    });
  });

  describe.skipIf(!database)("the apps of an operator", () => {
    it("keep within the plan's apps and actions limits, with a 409 naming the limit", async () => {
      const operator = await signUp(conflux.url);
      await provider.call("PUT", `/v1/provider/operators/${operator.operatorId}/plan`, { planId: "small" });
      const first = await operator.call("POST", "/v1/apps", appWith(2));
      expect(first.status).toBe(201);

      const second = await operator.call("POST", "/v1/apps", appWith(1));
      expect(second.status).toBe(409);
      expect(second.body).toEqual({
        code: "conflict",
        message: "plan 'small' allows 1 apps (limit apps) and this account has 1",
      });
      const imported = await operator.call("POST", "/v1/apps/import", appWith(1));
      expect(imported.status).toBe(409);
      expect(imported.body.message).toContain("limit apps");

      const bigger = await operator.call("PUT", `/v1/apps/${first.body.appId}`, appWith(3));
      expect(bigger.status).toBe(409);
      expect(bigger.body.message).toBe(
        "app 'relay' has 3 actions; plan 'small' allows 2 (limit actionsPerApp)",
      );
      const replaced = await operator.call("POST", "/v1/apps/import?mode=replace", {
        ...appWith(3),
        appId: first.body.appId,
      });
      expect(replaced.status).toBe(409);
      expect(replaced.body.message).toContain("limit actionsPerApp");
      expect((await operator.call("GET", `/v1/apps/${first.body.appId}`)).body.actions).toHaveLength(2);
    });

    it("have a cron timer only on a plan with feature timer.cron", async () => {
      const operator = await signUp(conflux.url);
      const refused = await operator.call("POST", "/v1/apps", appWith(1, cronTimer));
      expect(refused.status).toBe(409);
      expect(refused.body.message).toBe(
        "the cron timer of channel 'every morning' in app 'morning report' needs feature timer.cron, which plan 'developer' does not have",
      );
      await operator.call("PUT", `/v1/operators/${operator.operatorId}/plan`, { planId: "standard" });
      expect((await operator.call("POST", "/v1/apps", appWith(1, cronTimer))).status).toBe(201);
    });

    it("follow the developer plan as the provider edits it", async () => {
      const operator = await signUp(conflux.url);
      expect((await operator.call("POST", "/v1/apps", appWith(3))).status).toBe(201);
      const developer = (await provider.call("GET", "/v1/provider/plans/developer")).body;
      const { planId: _id, ...definition } = developer;
      await putPlan("developer", { ...definition, limits: { actionsPerApp: 2 }, features: ["timer.cron"] });
      try {
        expect((await operator.call("POST", "/v1/apps", appWith(3))).status).toBe(409);
        expect((await operator.call("POST", "/v1/apps", appWith(2, cronTimer))).status).toBe(201);
      } finally {
        await putPlan("developer", definition);
      }
    });
  });
});
