import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setAsideBy } from "../src/bus/bus.ts";
import type { ConfigInput } from "../src/conflux.ts";
import type { TimerTick } from "../src/runtime/scheduler.ts";
import type { SqlStore } from "../src/store/sql-store.ts";
import { createPostgresSchema, useContractDatabases } from "./databases.ts";
import { createDeviceFixture, dataOf, runsOf } from "./device-fixture.ts";
import { type ApiSession, signUp, startTestConflux, testPassword, waitForRun } from "./harness.ts";
import { natsReachable, natsUrl, useNatsPrefixes } from "./nats.ts";
import { providerSession } from "./provider-session.ts";

const { databases } = await useContractDatabases("suspension");
const newPrefix = useNatsPrefixes("suspension");
const jetStream = (await natsReachable()) ? await createPostgresSchema() : undefined;
afterAll(async () => jetStream?.drop());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SQLite and PostgreSQL with the SQL bus, and PostgreSQL with JetStream handing out the jobs. */
const cases: Array<[string, ConfigInput["database"] | undefined, (() => ConfigInput["bus"]) | undefined]> = [
  ...databases.map(([name, database]): [string, ConfigInput["database"] | undefined, undefined] => [
    name,
    database,
    undefined,
  ]),
  ["PostgreSQL with JetStream", jetStream?.database, () => ({ url: natsUrl, prefix: newPrefix() })],
];

describe.each(cases)("a suspended operator on %s", (_name, database, bus) => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let admin: ApiSession;

  beforeAll(async () => {
    if (!database) return;
    conflux = await startTestConflux({ database, ...(bus ? { bus: bus() } : {}) });
    admin = await providerSession(conflux);
  });
  afterAll(async () => {
    await conflux?.cleanUp();
  });

  async function suspend(operatorId: string, reason = "unpaid_debt", message?: string) {
    const answer = await admin.call("POST", `/v1/provider/operators/${operatorId}/suspend`, {
      reason,
      ...(message ? { message } : {}),
    });
    expect(answer.status, answer.text).toBe(200);
  }

  async function resume(operatorId: string) {
    const answer = await admin.call("POST", `/v1/provider/operators/${operatorId}/resume`);
    expect(answer.status, answer.text).toBe(200);
  }

  async function importApp(session: ApiSession, app: unknown): Promise<string> {
    const { status, body } = await session.call("POST", "/v1/apps/import", app);
    expect(status, JSON.stringify(body)).toBe(201);
    return body.appId;
  }

  it("answers reads, refuses changes with 403 operator_suspended naming the reason, and still signs in and out", async (context) => {
    if (!database) return context.skip();
    const session = await signUp(conflux.url);
    const appId = await importApp(session, { name: "a", channels: [{ channelId: "in" }], actions: [] });
    await suspend(session.operatorId, "unpaid_debt", "pay the invoice of 2026-10");

    const operator = await session.call("GET", `/v1/operators/${session.operatorId}`);
    expect(operator.status).toBe(200);
    expect(operator.body).toMatchObject({
      status: "suspended",
      statusReason: "unpaid_debt",
      suspensionMessage: "pay the invoice of 2026-10",
    });
    expect((await session.call("GET", `/v1/apps/${appId}`)).status).toBe(200);
    const head = await fetch(`${conflux.url}/v1/apps`, { method: "HEAD", headers: session.headers });
    expect(head.status).toBe(200);
    for (const [method, path] of [
      ["POST", "/v1/apps/import"],
      ["PUT", `/v1/apps/${appId}`],
      ["DELETE", `/v1/apps/${appId}`],
      ["POST", `/v1/operators/${session.operatorId}/close`],
    ] as const) {
      const refused = await session.call(method, path, method === "DELETE" ? undefined : { name: "b" });
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.body.code).toBe("operator_suspended");
      expect(refused.body.message).toContain("unpaid_debt");
      expect(refused.body.message).toContain("pay the invoice of 2026-10");
    }
    expect((await session.call("GET", `/v1/apps/${appId}`)).status).toBe(200);

    // Signing in works, so the person can read why; so does asking what it may call, and signing out.
    const signIn = await fetch(`${conflux.url}/v1/auth`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        email: (await session.call("GET", `/v1/operators/${session.operatorId}`)).body.email,
        password: testPassword,
      }),
    });
    expect(signIn.status).toBe(200);
    const check = await session.call("POST", "/v1/auth/permissions/check", { apiNames: ["App:listApps"] });
    expect(check.status).toBe(200);
    expect((await session.call("POST", "/v1/auth/logout")).status).toBeLessThan(300);
    expect((await session.call("GET", "/v1/apps")).status).toBe(401);
  });

  it("refuses ingest with 403 operator_suspended: api source, incoming webhook, device HTTP, and MQTT without a PUBACK", async (context) => {
    if (!database) return context.skip();
    const session = await signUp(conflux.url);
    const fixture = await createDeviceFixture(session);
    const webhook = await session.call(
      "POST",
      `/v1/apps/${fixture.appId}/channels/sensors/incoming_webhooks`,
      {
        name: "partner",
      },
    );
    expect(webhook.status).toBe(201);
    await suspend(session.operatorId, "prohibited_use");

    const expectRefused = async (response: Response) => {
      expect(response.status).toBe(403);
      const body = (await response.json()) as { code: string; message: string };
      expect(body.code).toBe("operator_suspended");
      expect(body.message).toContain("prohibited_use");
    };
    await expectRefused(
      await fetch(`${conflux.url}/v1/apps/${fixture.appId}/channels/sensors/messages`, {
        method: "POST",
        headers: { ...session.headers, "content-type": "application/json" },
        body: '{"temp":1}',
      }),
    );
    await expectRefused(
      await fetch(webhook.body.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"temp":2}',
      }),
    );
    await expectRefused(
      await fetch(`${conflux.url}/v1/devices/${fixture.deviceId}/data`, {
        method: "POST",
        headers: { authorization: `Bearer ${fixture.secret}`, "content-type": "application/json" },
        body: '{"temp":3}',
      }),
    );
    const client = await mqtt.connectAsync(
      `mqtt://127.0.0.1:${conflux.services.devices.listening.mqttPort}`,
      {
        clientId: `${fixture.deviceId}-suspended`,
        username: fixture.deviceId,
        password: fixture.secret,
        reconnectPeriod: 0,
      },
    );
    try {
      // No PUBACK: the broker refuses the publish and ends the connection, so the device keeps its message.
      let acknowledged = false;
      const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
      client.publish(`devices/${fixture.deviceId}/data`, '{"temp":4}', { qos: 1 }, (error) => {
        if (!error) acknowledged = true;
      });
      await closed;
      expect(acknowledged).toBe(false);
    } finally {
      await client.endAsync(true);
    }
    expect(await runsOf(session, fixture.appId)).toEqual([]);
    expect(await dataOf(session, fixture.deviceId)).toEqual([]);

    await resume(session.operatorId);
    const accepted = await fetch(`${conflux.url}/v1/devices/${fixture.deviceId}/data`, {
      method: "POST",
      headers: { authorization: `Bearer ${fixture.secret}`, "content-type": "application/json" },
      body: '{"temp":5}',
    });
    expect(accepted.status).toBe(202);
    const again = await mqtt.connectAsync(`mqtt://127.0.0.1:${conflux.services.devices.listening.mqttPort}`, {
      clientId: `${fixture.deviceId}-resumed`,
      username: fixture.deviceId,
      password: fixture.secret,
      reconnectPeriod: 0,
    });
    try {
      await again.publishAsync(`devices/${fixture.deviceId}/data`, '{"temp":6}', { qos: 1 });
    } finally {
      await again.endAsync(true);
    }
    for (;;) {
      if ((await dataOf(session, fixture.deviceId)).length === 2) break;
      await sleep(10);
    }
  });

  it("skips the timer's ticks while suspended and does not replay them after the resume", async (context) => {
    if (!database) return context.skip();
    const session = await signUp(conflux.url);
    const appId = await importApp(session, {
      name: "hourly",
      channels: [
        {
          channelId: "tick",
          eventSource: { type: "interval-timer", config: { intervalMinutes: 60, payload: {} } },
        },
      ],
      actions: [{ actionId: "a", channelId: "tick", type: "republish", config: {} }],
    });
    const app = (await session.call("GET", `/v1/apps/${appId}`)).body;
    // The scheduler's own path for a tick (the door, then the bus), without waiting an hour for one.
    const scheduler = conflux.services.scheduler as unknown as { fire(tick: TimerTick): Promise<void> };
    const tick = (timestamp: number) =>
      scheduler.fire({
        operatorId: session.operatorId,
        app,
        channelId: "tick",
        payload: {},
        context: { eventType: "schedule", scheduleId: `${appId}:tick`, timestamp },
        dedupeKey: `schedule:tick:${timestamp}`,
      });
    await suspend(session.operatorId);
    await tick(1_000_000);
    await tick(2_000_000);
    await resume(session.operatorId);
    await tick(3_000_000);
    for (;;) {
      const runs = await runsOf(session, appId);
      if (runs.length) break;
      await sleep(10);
    }
    const runs = await runsOf(session, appId);
    expect(runs).toHaveLength(1);
    const run = await waitForRun(session, appId, runs[0]?.runId ?? "");
    expect(run.messages[0].context.timestamp).toBe(3_000_000);
    expect(
      await (conflux.services.store as SqlStore).db
        .selectFrom("jobs")
        .selectAll()
        .where("operatorId", "=", session.operatorId)
        .execute(),
    ).toEqual([]);
  });

  it("holds queued jobs while suspended and runs every one of them after the resume", async (context) => {
    if (!database) return context.skip();
    const session = await signUp(conflux.url);
    const db = (conflux.services.store as SqlStore).db;
    const appId = await importApp(session, {
      name: "delayed",
      channels: ["in", "out"].map((channelId) => ({ channelId, eventSource: { type: "api", config: {} } })),
      actions: [
        {
          actionId: "later",
          channelId: "in",
          type: "republish",
          config: {},
          output: { enabled: true, channelId: "out", delaySeconds: 1 },
        },
        { actionId: "then", channelId: "out", type: "republish", config: {} },
      ],
    });
    const runIds: string[] = [];
    for (let n = 0; n < 5; n++) {
      const sent = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { n });
      expect(sent.status).toBe(202);
      runIds.push(sent.body.executionId);
    }
    // The first steps ran; their outputs wait out the delay when the operator is suspended.
    const jobsOf = () =>
      db
        .selectFrom("jobs")
        .select(["actionId", "availableAt"])
        .where("operatorId", "=", session.operatorId)
        .execute();
    for (;;) {
      const jobs = await jobsOf();
      if (jobs.length === 5 && jobs.every((job) => job.actionId === "then")) break;
      await sleep(10);
    }
    await suspend(session.operatorId);
    for (const job of await jobsOf()) expect(Number(job.availableAt)).toBeGreaterThanOrEqual(setAsideBy);

    // A job queued after the suspension (by an action that was running then) is claimed once and set aside.
    const { bus } = conflux.services;
    const straggler = "01JSTRAGGLERSTRAGGLERSTRAG";
    await bus.startExecution(
      {
        executionId: straggler,
        operatorId: session.operatorId,
        appId,
        channelId: "out",
        eventType: "api",
        dedupeKey: null,
        replayOf: null,
        appVersion: 1,
      },
      {
        message: {
          messageId: straggler,
          executionId: straggler,
          operatorId: session.operatorId,
          appId,
          channelId: "out",
          hop: 0,
          payload: { n: 5 },
          context: { eventType: "api" },
          parentStepId: null,
        },
        actionIds: ["then"],
        availableAt: Date.now(),
      },
    );
    runIds.push(straggler);
    for (;;) {
      const jobs = await jobsOf();
      if (jobs.length === 6 && jobs.every((job) => Number(job.availableAt) >= setAsideBy)) break;
      await sleep(10);
    }
    // Well past the delay: nothing ran, nothing failed, every job is still there.
    await sleep(1_500);
    expect(await jobsOf()).toHaveLength(6);
    for (const runId of runIds) {
      const run = (await session.call("GET", `/v1/apps/${appId}/runs/${runId}`)).body;
      expect(run.status).toBe("running");
      expect(run.steps.filter((step: { actionId: string }) => step.actionId === "then")).toEqual([]);
    }

    await resume(session.operatorId);
    for (const runId of runIds) {
      const run = await waitForRun(session, appId, runId);
      expect(run.status).toBe("completed");
      expect(run.steps.filter((step: { actionId: string }) => step.actionId === "then")).toHaveLength(1);
    }
    expect(await jobsOf()).toEqual([]);
  });

  it("answers the provider 404 for an unknown operator, 409 for a resume of an active one, 400 for an unknown reason", async (context) => {
    if (!database) return context.skip();
    const session = await signUp(conflux.url);
    const unknown = await admin.call("POST", "/v1/provider/operators/OP9999999999/suspend", {
      reason: "other",
    });
    expect(unknown.status).toBe(404);
    const notSuspended = await admin.call("POST", `/v1/provider/operators/${session.operatorId}/resume`);
    expect(notSuspended.status).toBe(409);
    expect(notSuspended.body.message).toContain("active");
    const badReason = await admin.call("POST", `/v1/provider/operators/${session.operatorId}/suspend`, {
      reason: "boredom",
    });
    expect(badReason.status).toBe(400);
    expect(badReason.text).toContain("reason");
    // An operator's token is no provider's.
    const byOperator = await session.call("POST", `/v1/provider/operators/${session.operatorId}/suspend`, {
      reason: "other",
    });
    expect(byOperator.status).toBe(401);
  });

  it("shows an active operator as active, with no reason", async (context) => {
    if (!database) return context.skip();
    const session = await signUp(conflux.url);
    await suspend(session.operatorId, "other");
    await resume(session.operatorId);
    const operator = await session.call("GET", `/v1/operators/${session.operatorId}`);
    expect(operator.body.status).toBe("active");
    expect(operator.body.statusReason).toBeUndefined();
    expect(
      (await session.call("POST", "/v1/apps/import", { name: "x", channels: [], actions: [] })).status,
    ).toBe(201);
  });
});
