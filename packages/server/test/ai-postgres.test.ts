import { describe, expect, it } from "vitest";
import { aiConfigFor, createAskingApp, useStandIn } from "./ai-fixture.ts";
import { logIn, signUp, waitForRun } from "./harness.ts";
import { useTwoInstancesOnPostgres } from "./two-instances.ts";

// Two Conflux processes on one PostgreSQL database share one operator's credit quota.
const { standIn, url: standInUrl } = useStandIn();
const instances = await useTwoInstancesOnPostgres(() => ({
  ai: aiConfigFor(standInUrl(), { monthlyCredits: 5 }),
}));

describe.skipIf(!instances.reachable)("AI credits on PostgreSQL with two instances", () => {
  it("never let concurrent runs on both instances spend past the quota", async () => {
    standIn.answer = () => ({ text: "ok", delayMs: 50 });
    const email = `ai-quota-${Date.now()}@example.com`;
    const onFirst = await signUp(instances.first.url, email);
    const onSecond = await logIn(instances.second.url, email);
    const created = await createAskingApp(onFirst, "shared quota");
    expect(created.status, created.text).toBe(201);
    const appId = created.body.appId;
    const sent = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        (index % 2 ? onSecond : onFirst).call("POST", `/v1/apps/${appId}/channels/in/messages`, { index }),
      ),
    );
    const steps = await Promise.all(
      sent.map(async (answer) => (await waitForRun(onFirst, appId, answer.body.executionId)).steps[0]),
    );
    const statuses = steps.map((step) => (step.status === "completed" ? "completed" : step.error.code));
    expect(statuses.filter((status) => status === "completed")).toHaveLength(5);
    expect(statuses.filter((status) => status === "quota_exceeded")).toHaveLength(7);
    expect((await onSecond.call("GET", "/v1/usage")).body.aiCredits).toMatchObject({
      used: 5,
      serviceQuota: 5,
    });
  });
});
