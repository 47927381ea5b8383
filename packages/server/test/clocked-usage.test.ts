// Usage stamps at the operator's test-clock time (billing.md "Test clocks"): events an operator on a
// clock sends are counted in the clock's month, billed as that month's overage when the clock passes
// its end, and land in the next month after; an operator on real time counts in the real month.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { billingMonth } from "../src/runtime/billing-month.ts";
import { useContractDatabases } from "./databases.ts";
import { type ApiSession, logIn, signUp, startTestConflux, testPassword } from "./harness.ts";
import { providerSession } from "./provider-session.ts";

const { databases } = await useContractDatabases("clocked-usage");

interface Usage {
  month: string;
  events: { used: number };
}

/** Polls the usage until it shows `expected` events (a webhook's run may commit after its answer). */
async function usageWith(session: ApiSession, expected: number): Promise<Usage> {
  const deadline = Date.now() + 10_000;
  let usage = (await session.call("GET", "/v1/usage")).body as Usage;
  while (usage.events.used !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    usage = (await session.call("GET", "/v1/usage")).body as Usage;
  }
  return usage;
}

/** An app with an api source and an incoming webhook on the same channel. */
async function createApp(session: ApiSession): Promise<{ appId: string; hookUrl: string }> {
  const created = await session.call("POST", "/v1/apps", {
    name: "clocked",
    channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
    actions: [],
  });
  expect(created.status, created.text).toBe(201);
  const appId = created.body.appId;
  const hook = await session.call("POST", `/v1/apps/${appId}/channels/in/incoming_webhooks`, {
    name: "partner",
  });
  expect(hook.status, hook.text).toBe(201);
  return { appId, hookUrl: hook.body.url };
}

async function sendEvents(session: ApiSession, app: { appId: string; hookUrl: string }, api: number) {
  for (let n = 0; n < api; n++) {
    const sent = await session.call("POST", `/v1/apps/${app.appId}/channels/in/messages`, { n });
    expect(sent.status, sent.text).toBe(202);
  }
  const posted = await fetch(app.hookUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"door":"open"}',
  });
  expect(posted.status).toBe(202);
}

describe.each(databases)("usage stamped at the test clock's time on %s", (_name, database) => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let admin: ApiSession;
  let clocked: ApiSession;
  let clockedApp: { appId: string; hookUrl: string };
  let clockId: string;

  beforeAll(async () => {
    if (!database) return;
    conflux = await startTestConflux({ database });
    admin = await providerSession(conflux);
    const plan = await admin.call("PUT", "/v1/provider/plans/metered", {
      name: "Metered",
      monthlyFee: 10_000,
      included: { events: 2, aiCredits: 0 },
      overage: { events: { blockSize: 1, pricePerBlock: 100 } },
    });
    expect(plan.status, plan.text).toBeLessThan(300);
    const clock = await admin.call("POST", "/v1/provider/test_clocks", {
      frozenTime: "2031-01-20T09:00:00Z",
    });
    clockId = clock.body.testClockId;
    const email = `clocked-usage-${Date.now()}@example.com`;
    const created = await admin.call("POST", "/v1/provider/operators", {
      email,
      password: testPassword,
      planId: "metered",
      testClockId: clockId,
    });
    expect(created.status, created.text).toBe(201);
    clocked = await logIn(conflux.url, email);
    clockedApp = await createApp(clocked);
  });
  afterAll(async () => conflux?.cleanUp());

  it.skipIf(!database)("counts api and webhook events in the clock's month", async () => {
    await sendEvents(clocked, clockedApp, 4);
    const usage = await usageWith(clocked, 5);
    expect(usage.month).toBe("2031-01");
    expect(usage.events.used).toBe(5);
    const daily = (await clocked.call("GET", "/v1/usage")).body.daily;
    expect(JSON.stringify(daily)).toContain("2031-01-20");
  });

  it.skipIf(!database)(
    "bills exactly those events as the month's overage once the clock passes its end, and counts new ones in the next month",
    async () => {
      const advanced = await admin.call("POST", `/v1/provider/test_clocks/${clockId}/advance`, {
        frozenTime: "2031-02-02T00:00:00Z",
      });
      expect(advanced.status, advanced.text).toBe(200);
      const january = await clocked.call("GET", "/v1/invoices/2031-01");
      expect(january.body.status).toBe("closed");
      expect(january.body.lines).toContainEqual({
        kind: "overage",
        description: "5 events, 2 included: 3 × 1 at 100",
        amount: 300,
      });
      await sendEvents(clocked, clockedApp, 1);
      const february = await usageWith(clocked, 2);
      expect(february.month).toBe("2031-02");
      expect(february.events.used).toBe(2);
      const januaryAgain = await clocked.call("GET", "/v1/invoices/2031-01");
      expect(januaryAgain.body.lines).toEqual(january.body.lines);
    },
  );

  it.skipIf(!database)("leaves an operator on real time in the real month", async () => {
    const realTime = await signUp(conflux.url);
    await sendEvents(realTime, await createApp(realTime), 2);
    const usage = await usageWith(realTime, 3);
    expect(usage.month).toBe(billingMonth(Date.now(), "UTC"));
    expect(usage.events.used).toBe(3);
  });
});
