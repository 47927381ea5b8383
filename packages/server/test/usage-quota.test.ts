import { describe, expect, it } from "vitest";
import { billingDay } from "../src/runtime/billing-month.ts";
import { createDeviceFixture } from "./device-fixture.ts";
import { type ApiSession, logIn, signUp, useSuite } from "./harness.ts";
import { providerSession } from "./provider-session.ts";
import { useTwoInstancesOnPostgres } from "./two-instances.ts";

// billing.md "Quotas": at the events cap, sources refuse new messages with 429 quota_exceeded until the
// month ends; nothing accepted is dropped.

const instances = await useTwoInstancesOnPostgres();

async function createApiApp(session: ApiSession): Promise<string> {
  const created = await session.call("POST", "/v1/apps", {
    name: "capped",
    channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
    actions: [{ actionId: "copy", channelId: "in", type: "republish", config: {} }],
  });
  expect(created.status, created.text).toBe(201);
  return created.body.appId;
}

const send = (session: ApiSession, appId: string, body: unknown = {}) =>
  session.call("POST", `/v1/apps/${appId}/channels/in/messages`, body);

describe("the events quota at the sources", () => {
  const suite = useSuite();

  it("refuses api, incoming webhook and device HTTP events with 429 quota_exceeded at the cap", async () => {
    const session = await signUp(suite.conflux.url);
    const appId = await createApiApp(session);
    expect((await session.call("PUT", "/v1/usage/quotas", { events: 3 })).status).toBe(200);
    for (let n = 0; n < 3; n++) expect((await send(session, appId, { n })).status).toBe(202);

    const refused = await fetch(`${suite.conflux.url}/v1/apps/${appId}/channels/in/messages`, {
      method: "POST",
      headers: { ...session.headers, "content-type": "application/json" },
      body: "{}",
    });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ code: "quota_exceeded" });
    const retryAfter = Number(refused.headers.get("retry-after"));
    // Until the month ends (UTC, the default billing time zone).
    const now = new Date();
    const monthEnd = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
    expect(Math.abs(retryAfter - (monthEnd - now.getTime()) / 1000)).toBeLessThan(60);

    const hook = await session.call("POST", `/v1/apps/${appId}/channels/in/incoming_webhooks`, {
      name: "partner",
    });
    const posted = await fetch(hook.body.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"door":"open"}',
    });
    expect(posted.status).toBe(429);
    expect(await posted.json()).toMatchObject({ code: "quota_exceeded" });

    const device = await createDeviceFixture(session);
    const ingested = await fetch(`${suite.conflux.url}/v1/devices/${device.deviceId}/data`, {
      method: "POST",
      headers: { authorization: `Bearer ${device.secret}`, "content-type": "application/json" },
      body: '{"temp":4}',
    });
    expect(ingested.status).toBe(429);
    expect(await ingested.json()).toMatchObject({ code: "quota_exceeded" });

    const usage = (await session.call("GET", "/v1/usage")).body;
    expect(usage.events).toEqual({ used: 3, included: 0, quota: 3 });
    // Accepted before the cap, run all the same.
    const runs = (await session.call("GET", `/v1/apps/${appId}/runs`)).body.items;
    expect(runs).toHaveLength(3);
  });

  it("accepts again at once when the operator raises or removes its quota", async () => {
    const session = await signUp(suite.conflux.url);
    const appId = await createApiApp(session);
    await session.call("PUT", "/v1/usage/quotas", { events: 1 });
    expect((await send(session, appId)).status).toBe(202);
    expect((await send(session, appId)).status).toBe(429);
    await session.call("PUT", "/v1/usage/quotas", { events: 2 });
    expect((await send(session, appId)).status).toBe(202);
    expect((await send(session, appId)).status).toBe(429);
    await session.call("PUT", "/v1/usage/quotas", { events: null });
    expect((await send(session, appId)).status).toBe(202);
  });

  it("caps one operator without touching another", async () => {
    const capped = await signUp(suite.conflux.url);
    const free = await signUp(suite.conflux.url);
    const [cappedApp, freeApp] = [await createApiApp(capped), await createApiApp(free)];
    await capped.call("PUT", "/v1/usage/quotas", { events: 0 });
    expect((await send(capped, cappedApp)).status).toBe(429);
    expect((await send(free, freeApp)).status).toBe(202);
  });

  it("shows every operator's month to the provider, and one operator's usage as it sees it", async () => {
    const session = await signUp(suite.conflux.url);
    const appId = await createApiApp(session);
    for (let n = 0; n < 2; n++) await send(session, appId, { n });
    const provider = await providerSession(suite.conflux);
    const month = new Date().toISOString().slice(0, 7);
    const all = await provider.call("GET", `/v1/provider/usage?month=${month}`);
    expect(all.status, all.text).toBe(200);
    expect(all.body).toContainEqual({
      operatorId: session.operatorId,
      email: expect.stringContaining("@example.com"),
      events: 2,
      aiCredits: 0,
    });
    const earlier = await provider.call("GET", "/v1/provider/usage?month=2001-01");
    expect(
      earlier.body.find((row: { operatorId: string }) => row.operatorId === session.operatorId),
    ).toMatchObject({
      events: 0,
    });
    const one = await provider.call("GET", `/v1/provider/operators/${session.operatorId}/usage`);
    expect(one.body).toEqual((await session.call("GET", "/v1/usage")).body);
    const past = await provider.call(
      "GET",
      `/v1/provider/operators/${session.operatorId}/usage?month=2001-01`,
    );
    expect(past.body).toMatchObject({ month: "2001-01", events: { used: 0 } });
    expect(past.body.daily).toHaveLength(31);
    expect((await provider.call("GET", "/v1/provider/operators/OP9999999999/usage")).status).toBe(404);
    expect((await provider.call("GET", "/v1/provider/usage?month=2026-13")).status).toBe(400);
    // An operator's token never reaches the provider's routes.
    expect((await session.call("GET", "/v1/provider/usage")).status).toBe(401);
  });
});

describe("the billing time zone", () => {
  const suite = useSuite();

  it("dates the month and its days in the provider's billing time zone", async () => {
    const session = await signUp(suite.conflux.url);
    const appId = await createApiApp(session);
    const provider = await providerSession(suite.conflux);
    const settings = (await provider.call("GET", "/v1/provider/settings")).body;
    // Fourteen hours ahead of UTC: on most days a different date from UTC's for part of it.
    const saved = await provider.call("PUT", "/v1/provider/settings", {
      ...settings,
      billingTimeZone: "Pacific/Kiritimati",
    });
    expect(saved.status, saved.text).toBe(200);
    await suite.conflux.services.billingCalendar.refresh();
    const before = Date.now();
    expect((await send(session, appId)).status).toBe(202);
    const usage = (await session.call("GET", "/v1/usage")).body;
    const after = Date.now();
    const days = [before, after].map((at) => billingDay(at, "Pacific/Kiritimati"));
    expect(days).toContain(usage.daily.at(-1).date);
    expect(usage.month).toBe(usage.daily.at(-1).date.slice(0, 7));
    expect(usage.daily.at(-1).events).toBe(1);
  });
});

describe("the events quota on two instances sharing one PostgreSQL database", () => {
  it.skipIf(!instances.reachable)("is one quota: together they accept the cap, not more", async () => {
    const email = `quota-${Date.now()}@example.com`;
    const onFirst = await signUp(instances.first.url, email);
    const onSecond = await logIn(instances.second.url, email);
    const appId = await createApiApp(onFirst);
    await onFirst.call("PUT", "/v1/usage/quotas", { events: 10 });
    const statuses: number[] = [];
    for (let n = 0; n < 24; n++) statuses.push((await send(n % 2 ? onSecond : onFirst, appId, { n })).status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(14);
    expect((await onSecond.call("GET", "/v1/usage")).body.events.used).toBe(10);
  });
});
