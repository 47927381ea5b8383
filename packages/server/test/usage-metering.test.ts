import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startExecution } from "../src/runtime/start-execution.ts";
import { useContractDatabases } from "./databases.ts";
import { createDeviceFixture } from "./device-fixture.ts";
import { type ApiSession, signUp, startTestConflux, waitForRun } from "./harness.ts";

// Billing's events (billing.md "Plans and metering"): one per run an event source starts, counted with
// the run's first message; replays and messages actions republish are not events.
const { databases } = await useContractDatabases("usage-metering");

async function eventsUsed(session: ApiSession): Promise<number> {
  const usage = await session.call("GET", "/v1/usage");
  expect(usage.status, usage.text).toBe(200);
  return usage.body.events.used;
}

/** Polls the usage until it shows `expected` events (a file event starts its run after the upload's answer). */
async function expectEvents(session: ApiSession, expected: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await eventsUsed(session)) !== expected && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 25));
  expect(await eventsUsed(session)).toBe(expected);
}

describe.each(databases)("events metered on %s", (_name, database) => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let session: ApiSession;
  let appId: string;

  beforeAll(async () => {
    if (!database) return;
    conflux = await startTestConflux({ database });
    session = await signUp(conflux.url);
    const created = await session.call("POST", "/v1/apps", {
      name: "metered",
      channels: [
        { channelId: "in", eventSource: { type: "api", config: {} } },
        { channelId: "uploads", eventSource: { type: "file", config: { pathPrefix: "/metered/" } } },
        { channelId: "out" },
      ],
      actions: [
        {
          actionId: "forward",
          channelId: "in",
          type: "republish",
          config: {},
          output: { enabled: true, channelId: "out" },
        },
        { actionId: "copy", channelId: "out", type: "republish", config: {} },
      ],
    });
    expect(created.status, created.text).toBe(201);
    appId = created.body.appId;
  });
  afterAll(async () => conflux?.cleanUp());

  it.skipIf(!database)(
    "counts one event per run of the api source, not the messages its actions republish",
    async () => {
      const sent = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { n: 1 });
      expect(sent.status).toBe(202);
      const run = await waitForRun(session, appId, sent.body.executionId);
      expect(run.messages.length).toBe(2);
      await expectEvents(session, 1);
    },
  );

  it.skipIf(!database)("counts a message sent twice with one Idempotency-Key once", async () => {
    const headers = { "idempotency-key": "order-42" };
    const first = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { n: 2 }, headers);
    const again = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { n: 2 }, headers);
    expect(again.body.executionId).toBe(first.body.executionId);
    await expectEvents(session, 2);
  });

  it.skipIf(!database)("does not count a replay", async () => {
    const sent = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { n: 3 });
    await waitForRun(session, appId, sent.body.executionId);
    const replayed = await session.call("POST", `/v1/apps/${appId}/runs/${sent.body.executionId}/replay`);
    expect(replayed.status, replayed.text).toBe(202);
    await waitForRun(session, appId, replayed.body.executionId);
    await expectEvents(session, 3);
  });

  it.skipIf(!database)("counts incoming webhooks, device HTTP ingest and file events", async () => {
    const hook = await session.call("POST", `/v1/apps/${appId}/channels/in/incoming_webhooks`, {
      name: "partner",
    });
    const posted = await fetch(hook.body.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"door":"open"}',
    });
    expect(posted.status).toBe(202);
    await expectEvents(session, 4);

    const device = await createDeviceFixture(session);
    const ingested = await fetch(`${conflux.url}/v1/devices/${device.deviceId}/data`, {
      method: "POST",
      headers: { authorization: `Bearer ${device.secret}`, "content-type": "application/json" },
      body: '{"temp":4}',
    });
    expect(ingested.status).toBe(202);
    await expectEvents(session, 5);

    const uploaded = await session.call("PUT", "/v1/files/metered/a.txt", "hello", {
      "content-type": "text/plain",
    });
    expect(uploaded.status, uploaded.text).toBeLessThan(300);
    await expectEvents(session, 6);
  });

  it.skipIf(!database)("counts a timer tick once even when two schedulers fire it", async () => {
    const tick = {
      operatorId: session.operatorId,
      app: (await session.call("GET", `/v1/apps/${appId}`)).body,
      channelId: "in",
      payload: {},
      context: { eventType: "schedule", scheduleId: `${appId}:in`, timestamp: 60_000 },
      dedupeKey: "schedule:in:60000",
    };
    const { bus } = conflux.services;
    const [one, two] = await Promise.all([
      startExecution(bus, tick, 65_536),
      startExecution(bus, tick, 65_536),
    ]);
    expect(one.executionId).toBe(two.executionId);
    await expectEvents(session, 7);
  });

  it.skipIf(!database)(
    "shows the month by day in the billing time zone, with the plan's included events",
    async () => {
      const usage = (await session.call("GET", "/v1/usage")).body;
      const today = new Date().toISOString().slice(0, 10);
      expect(usage.month).toBe(today.slice(0, 7));
      expect(usage.events).toEqual({ used: 7, included: 0 });
      expect(usage.daily.at(-1)).toEqual({ date: today, events: 7, aiCredits: 0 });
      expect(usage.daily[0].date).toBe(`${today.slice(0, 7)}-01`);
    },
  );

  it.skipIf(!database)(
    "keeps the operator's own quotas: a field left out stays, null removes it",
    async () => {
      expect((await session.call("GET", "/v1/usage/quotas")).body).toEqual({});
      expect((await session.call("PUT", "/v1/usage/quotas", { events: 500, aiCredits: 20 })).body).toEqual({
        events: 500,
        aiCredits: 20,
      });
      expect((await session.call("PUT", "/v1/usage/quotas", { aiCredits: null })).body).toEqual({
        events: 500,
      });
      expect((await session.call("GET", "/v1/usage")).body.events).toEqual({
        used: 7,
        included: 0,
        quota: 500,
      });
      for (const body of [{ events: -1 }, { events: 1.5 }, { aiCredits: "ten" }, { event: 3 }]) {
        const refused = await session.call("PUT", "/v1/usage/quotas", body);
        expect(refused.status, JSON.stringify(body)).toBe(400);
        expect(refused.body.code).toBe("validation_failed");
      }
      expect((await session.call("PUT", "/v1/usage/quotas", { events: null })).body).toEqual({});
    },
  );

  it.skipIf(!database)("takes the quotas example of docs/usage.md", async () => {
    const markdown = readFileSync(new URL("../../../docs/usage.md", import.meta.url), "utf8");
    const example = /```json usage-quotas-example\n([\s\S]*?)```/.exec(markdown)?.[1] ?? "";
    const saved = await session.call("PUT", "/v1/usage/quotas", JSON.parse(example));
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toEqual({ events: 5000 });
    await session.call("PUT", "/v1/usage/quotas", { events: null });
  });
});
