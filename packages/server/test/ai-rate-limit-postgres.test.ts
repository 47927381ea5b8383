import { describe, expect, it } from "vitest";
import { aiConfigFor, createAskingApp, useStandIn } from "./ai-fixture.ts";
import { logIn, signUp, waitForRun } from "./harness.ts";
import { useTwoInstancesOnPostgres } from "./two-instances.ts";

// Two Conflux processes on one PostgreSQL database share one operator's AI request rate limit.
const { standIn, url: standInUrl } = useStandIn();
// Three actions in flight per instance: five requests at the provider at once means both instances sent some.
const instances = await useTwoInstancesOnPostgres(() => ({
  ai: aiConfigFor(standInUrl(), { requestsPerMinute: 5 }),
  runtime: { concurrency: 3, maxTries: 3, retryBaseMs: 20, leaseMs: 30_000, pollMs: 20 },
}));

describe.skipIf(!instances.reachable)("the AI request rate limit on PostgreSQL with two instances", () => {
  it("refuses concurrent runs on both instances together past the limit", async () => {
    // Answers wait until the limit's worth of requests reached the provider, so none ends before the others start.
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    standIn.answer = () => ({ text: "ok", heldUntil: released });
    const email = `ai-rate-${Date.now()}@example.com`;
    const onFirst = await signUp(instances.first.url, email);
    const onSecond = await logIn(instances.second.url, email);
    const created = await createAskingApp(onFirst, "shared rate limit");
    expect(created.status, created.text).toBe(201);
    const appId = created.body.appId;
    const before = standIn.received.length;
    const sent = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        (index % 2 ? onSecond : onFirst).call("POST", `/v1/apps/${appId}/channels/in/messages`, { index }),
      ),
    );
    while (standIn.received.length - before < 5) await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    const steps = await Promise.all(
      sent.map(async (answer) => (await waitForRun(onFirst, appId, answer.body.executionId)).steps[0]),
    );
    const statuses = steps.map((step) => (step.status === "completed" ? "completed" : step.error.code));
    expect(statuses.filter((status) => status === "completed")).toHaveLength(5);
    expect(statuses.filter((status) => status === "rate_limited")).toHaveLength(7);
    expect(standIn.received.length - before).toBe(5);
    const limited = steps.find((step) => step.status === "failed");
    expect(limited.error.message).toMatch(/the limit is 5 a minute; try again in \d+ s/);
  });
});
