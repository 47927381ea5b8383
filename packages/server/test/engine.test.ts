import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import type { SqlStore } from "../src/store/sql-store.ts";
import { signUp, startTestConflux, testPassword, useSuite, waitForRun } from "./harness.ts";

const example = readFileSync(
  new URL("../../../docs/examples/cold-chain-alert.json", import.meta.url),
  "utf8",
);

const suite = useSuite();

function exampleApp(): Record<string, any> {
  return JSON.parse(example.replace("http://127.0.0.1:8481/alerts", `${suite.sinkUrl}/alerts`));
}

async function importApp(app: unknown): Promise<string> {
  const { status, body } = await suite.session.call("POST", "/v1/apps/import", app);
  expect(status, JSON.stringify(body)).toBe(201);
  return body.appId;
}

async function send(appId: string, channelId: string, payload: unknown, headers?: Record<string, string>) {
  const response = await suite.session.call(
    "POST",
    `/v1/flux/apps/${appId}/channels/${channelId}/messages`,
    payload,
    headers,
  );
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return response.body.executionId as string;
}

function appWith(actions: unknown[], channels = ["in", "out", "err"]) {
  return {
    name: "test app",
    channels: channels.map((channelId) => ({ channelId, eventSource: { type: "api", config: {} } })),
    actions,
  };
}

describe("an app imported as Flux JSON", () => {
  it("runs api source → condition → republish with transform → webhook, and the history shows each step", async () => {
    const appId = await importApp(exampleApp());
    const before = suite.sink.received.length;
    const runId = await send(appId, "readings", { sensor: "fridge-1", temp: 9.5 });
    const run = await waitForRun(suite.session, appId, runId);
    await suite.sink.waitFor(before + 1);

    const delivered = suite.sink.received[before];
    expect(delivered?.url).toBe("/alerts");
    expect(delivered?.headers["x-sensor"]).toBe("fridge-1");
    expect(JSON.parse(delivered?.body ?? "")).toEqual({
      alert: "FRIDGE-1 is at 9.5 C",
      reading: { sensor: "fridge-1", temp: 9.5, limit: 8 },
    });

    expect(run.status).toBe("completed");
    expect(run.messages.map((m: any) => [m.channelId, m.hop])).toEqual([
      ["readings", 0],
      ["alerts", 1],
    ]);
    const [republish, webhook] = ["too-warm", "notify"].map((id) =>
      run.steps.find((s: any) => s.actionId === id),
    );
    expect(republish).toMatchObject({
      status: "completed",
      conditionValue: true,
      input: { sensor: "fridge-1", temp: 9.5 },
      result: { sensor: "fridge-1", temp: 9.5, limit: 8 },
      attempts: 1,
    });
    expect(webhook).toMatchObject({ status: "completed", result: { status: 200, body: { ok: true } } });
    expect(delivered?.headers["idempotency-key"]).toBe(webhook.stepId);
    expect(typeof webhook.finishedAt).toBe("number");
  });

  it("records a false condition as skipped and sends nothing on", async () => {
    const appId = await importApp(exampleApp());
    const runId = await send(appId, "readings", { sensor: "fridge-2", temp: 4 });
    const run = await waitForRun(suite.session, appId, runId);
    expect(run.status).toBe("completed");
    expect(run.steps).toHaveLength(1);
    expect(run.steps[0]).toMatchObject({ actionId: "too-warm", status: "skipped", conditionValue: false });
    expect(run.messages).toHaveLength(1);
  });

  it("fails a step whose condition is not a boolean, with the reason in the history", async () => {
    const appId = await importApp(
      appWith([{ actionId: "a", channelId: "in", type: "republish", condition: "payload.temp", config: {} }]),
    );
    const run = await waitForRun(suite.session, appId, await send(appId, "in", { temp: 3 }));
    expect(run.status).toBe("failed");
    expect(run.steps[0].error.code).toBe("condition_not_boolean");
  });

  it("exports as YAML and imports the YAML into a new app that behaves the same", async () => {
    const appId = await importApp(exampleApp());
    const exported = await suite.session.call("GET", `/v1/apps/${appId}/export?format=yaml`);
    expect(exported.status).toBe(200);
    const parsed = YAML.parse(exported.text);
    expect(parsed.actions.map((a: any) => a.actionId)).toEqual(["too-warm", "notify"]);

    const imported = await suite.session.call("POST", "/v1/apps/import", exported.text, {
      "content-type": "application/yaml",
    });
    expect(imported.status, imported.text).toBe(201);
    expect(imported.body.appId).not.toBe(appId);
    expect(imported.body.actions[0].condition).toBe("payload.temp > 8");
  });
});

describe("saving an app", () => {
  it("refuses a condition with a syntax error, naming the action and the column", async () => {
    const app = exampleApp();
    app.actions[0].condition = "payload.temp > )";
    const { status, body } = await suite.session.call("POST", "/v1/apps", app);
    expect(status).toBe(400);
    expect(body.code).toBe("validation_failed");
    expect(body.message).toContain("condition of action 'Too warm?'");
    expect(body.message).toMatch(/column 16/);
    expect(body.details[0]).toMatchObject({ path: "actions.0.condition", column: 16 });
  });

  it("refuses a template with a syntax error in a webhook URL", async () => {
    const app = exampleApp();
    app.actions[1].config.url = "http://x/${payload.}";
    const { status, body } = await suite.session.call("POST", "/v1/apps", app);
    expect(status).toBe(400);
    expect(body.message).toContain("config.url of action 'Notify the warehouse'");
  });

  it("refuses dangling channel ids", async () => {
    const app = exampleApp();
    app.actions[0].output.channelId = "nowhere";
    const { status, body } = await suite.session.call("POST", "/v1/apps", app);
    expect(status).toBe(400);
    expect(body.message).toContain("no channel 'nowhere'");
  });

  it("refuses an unknown action type and more actions than the plan allows", async () => {
    const unknown = await suite.session.call(
      "POST",
      "/v1/apps",
      appWith([{ actionId: "a", channelId: "in", type: "teleport", config: {} }]),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/type/);
    const many = Array.from({ length: 11 }, (_, i) => ({
      actionId: `a${i}`,
      channelId: "in",
      type: "republish",
      config: {},
    }));
    const tooMany = await suite.session.call("POST", "/v1/apps", appWith(many));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.message).toContain("at most 10 actions");
  });

  it("answers malformed JSON and oversized bodies with a clear 4xx", async () => {
    const malformed = await suite.session.call("POST", "/v1/apps", "{not json", {
      "content-type": "application/json",
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe("bad_request");
    const appId = await importApp(appWith([]));
    const big = await suite.session.call("POST", `/v1/apps/${appId}/channels/in/messages`, {
      blob: "x".repeat(40_000),
    });
    expect(big.status).toBe(413);
    expect(big.body.message).toContain("32768");
  });
});

describe("the runtime", () => {
  it("retries a webhook that answers 503, with the same Idempotency-Key, until it succeeds", async () => {
    const path = `/flaky-${Date.now()}`;
    let failures = 0;
    suite.sink.reply = (request) =>
      request.url === path && failures++ < 2
        ? { status: 503 }
        : { status: 200, body: "fine", headers: { "content-type": "text/plain" } };
    const appId = await importApp(
      appWith([
        { actionId: "hook", channelId: "in", type: "webhook", config: { url: `${suite.sinkUrl}${path}` } },
      ]),
    );
    const run = await waitForRun(suite.session, appId, await send(appId, "in", { n: 1 }));
    const tries = suite.sink.received.filter((request) => request.url === path);
    expect(tries).toHaveLength(3);
    expect(new Set(tries.map((request) => request.headers["idempotency-key"])).size).toBe(1);
    expect(run.steps[0]).toMatchObject({
      status: "completed",
      attempts: 3,
      result: { status: 200, body: "fine" },
    });
  });

  it("sends a failure to the error output with its transform, and does not retry a 4xx", async () => {
    const path = `/gone-${Date.now()}`;
    suite.sink.reply = (request) => (request.url === path ? { status: 404 } : { status: 200 });
    const appId = await importApp(
      appWith([
        {
          actionId: "hook",
          channelId: "in",
          type: "webhook",
          config: { url: `${suite.sinkUrl}${path}` },
          errorOutput: {
            enabled: true,
            channelId: "err",
            transform: {
              contentType: "application/json",
              content: '{"failed": "${error.code}", "input": ${payload}}',
            },
          },
        },
        { actionId: "log", channelId: "err", type: "republish", config: {} },
      ]),
    );
    const run = await waitForRun(suite.session, appId, await send(appId, "in", { n: 2 }));
    expect(run.status).toBe("failed");
    expect(suite.sink.received.filter((request) => request.url === path)).toHaveLength(1);
    const hook = run.steps.find((s: any) => s.actionId === "hook");
    expect(hook).toMatchObject({ status: "failed", attempts: 1, error: { code: "http_status" } });
    const log = run.steps.find((s: any) => s.actionId === "log");
    expect(log).toMatchObject({ status: "completed", result: { failed: "http_status", input: { n: 2 } } });
  });

  it("splits an array result into one message each", async () => {
    const appId = await importApp(
      appWith([
        {
          actionId: "split",
          channelId: "in",
          type: "republish",
          config: {},
          output: { enabled: true, channelId: "out", splitArray: true },
        },
        { actionId: "each", channelId: "out", type: "republish", config: {} },
      ]),
    );
    const run = await waitForRun(
      suite.session,
      appId,
      await send(appId, "in", [{ i: 1 }, { i: 2 }, { i: 3 }]),
    );
    const each = run.steps.filter((s: any) => s.actionId === "each").map((s: any) => s.result.i);
    expect(each.sort()).toEqual([1, 2, 3]);
  });

  it("stops a loop between channels after 64 hops with an error", async () => {
    const appId = await importApp(
      appWith([
        {
          actionId: "ping",
          channelId: "in",
          type: "republish",
          config: {},
          output: { enabled: true, channelId: "out" },
        },
        {
          actionId: "pong",
          channelId: "out",
          type: "republish",
          config: {},
          output: { enabled: true, channelId: "in" },
        },
      ]),
    );
    const run = await waitForRun(suite.session, appId, await send(appId, "in", { loop: true }), 60_000);
    expect(run.status).toBe("failed");
    expect(Math.max(...run.messages.map((m: any) => m.hop))).toBe(64);
    const failed = run.steps.filter((s: any) => s.status === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0].error.code).toBe("hop_limit");
  });

  it("waits out an output delay before the next action runs", async () => {
    const appId = await importApp(
      appWith([
        {
          actionId: "later",
          channelId: "in",
          type: "republish",
          config: {},
          output: { enabled: true, channelId: "out", delaySeconds: 1 },
        },
        { actionId: "then", channelId: "out", type: "republish", config: {} },
      ]),
    );
    const run = await waitForRun(suite.session, appId, await send(appId, "in", { n: 1 }));
    const first = run.steps.find((s: any) => s.actionId === "later");
    const then = run.steps.find((s: any) => s.actionId === "then");
    expect(then.startedAt - first.finishedAt).toBeGreaterThanOrEqual(950);
  });

  it("runs many slow actions at once instead of one after another", async () => {
    const path = `/slow-${Date.now()}`;
    suite.sink.maxInFlight = 0;
    suite.sink.reply = (request) => (request.url === path ? { status: 200, delayMs: 400 } : { status: 200 });
    const appId = await importApp(
      appWith([
        { actionId: "slow", channelId: "in", type: "webhook", config: { url: `${suite.sinkUrl}${path}` } },
      ]),
    );
    const runs = await Promise.all(Array.from({ length: 30 }, (_, n) => send(appId, "in", { n })));
    for (const runId of runs)
      expect((await waitForRun(suite.session, appId, runId)).status).toBe("completed");
    expect(suite.sink.maxInFlight).toBeGreaterThanOrEqual(20);
  });

  it("gives up a job whose tries keep dying instead of looping forever", async () => {
    const appId = await importApp(
      appWith([{ actionId: "a", channelId: "in", type: "republish", config: {} }]),
    );
    const { store, bus } = suite.conflux.services;
    const runId = "01JZZZZZZZZZZZZZZZZZZZZZZZ";
    const message = {
      messageId: runId,
      executionId: runId,
      operatorId: suite.session.operatorId,
      appId,
      channelId: "in",
      hop: 0,
      payload: { n: 1 },
      context: { eventType: "api" },
      parentStepId: null,
    };
    // Held back a minute, then made to look as if five claims of it never finished, then released.
    await bus.startExecution(
      {
        executionId: runId,
        operatorId: message.operatorId,
        appId,
        channelId: "in",
        eventType: "api",
        dedupeKey: null,
        replayOf: null,
      },
      { message, actionIds: ["a"], availableAt: Date.now() + 60_000 },
    );
    await (store as SqlStore).db
      .updateTable("jobs")
      .set({ attempts: 5, availableAt: 0 })
      .where("executionId", "=", runId)
      .execute();
    const run = await waitForRun(suite.session, appId, runId);
    expect(run.steps[0]).toMatchObject({
      status: "failed",
      attempts: 6,
      error: { code: "too_many_attempts" },
    });
  });

  it("starts one run for a repeated Idempotency-Key", async () => {
    const appId = await importApp(
      appWith([{ actionId: "a", channelId: "in", type: "republish", config: {} }]),
    );
    const first = await send(appId, "in", { n: 1 }, { "idempotency-key": "abc" });
    const again = await suite.session.call(
      "POST",
      `/v1/apps/${appId}/channels/in/messages`,
      { n: 1 },
      { "idempotency-key": "abc" },
    );
    expect(again.body).toEqual({ executionId: first, duplicate: true });
  });

  it("replays a run against the current app", async () => {
    const appId = await importApp(
      appWith([{ actionId: "a", channelId: "in", type: "republish", config: {} }]),
    );
    const runId = await send(appId, "in", { n: 7 });
    await waitForRun(suite.session, appId, runId);
    const replay = await suite.session.call("POST", `/v1/apps/${appId}/runs/${runId}/replay`);
    expect(replay.status).toBe(202);
    const rerun = await waitForRun(suite.session, appId, replay.body.runId);
    expect(rerun).toMatchObject({ replayOf: runId, status: "completed" });
    expect(rerun.steps[0].result).toEqual({ n: 7 });
  });

  it("lists runs with filters", async () => {
    const appId = await importApp(exampleApp());
    const warm = await send(appId, "readings", { sensor: "s", temp: 20 });
    const cold = await send(appId, "readings", { sensor: "s", temp: 1 });
    await waitForRun(suite.session, appId, warm);
    await waitForRun(suite.session, appId, cold);
    const all = await suite.session.call("GET", `/v1/apps/${appId}/runs`);
    expect(all.body.items.map((r: any) => r.runId)).toEqual([cold, warm]);
    const viaAlerts = await suite.session.call("GET", `/v1/apps/${appId}/runs?channelId=alerts`);
    expect(viaAlerts.body.items.map((r: any) => r.runId)).toEqual([warm]);
    const notified = await suite.session.call(
      "GET",
      `/v1/apps/${appId}/runs?actionId=notify&status=completed`,
    );
    expect(notified.body.items.map((r: any) => r.runId)).toEqual([warm]);
    const failed = await suite.session.call("GET", `/v1/apps/${appId}/runs?status=failed`);
    expect(failed.body.items).toEqual([]);
    // Newest first, a page at a time: the first page's cursor leads to the last, which has none.
    const first = await suite.session.call("GET", `/v1/apps/${appId}/runs?limit=1`);
    expect(first.body).toEqual({
      items: [expect.objectContaining({ runId: cold })],
      nextCursor: expect.any(String),
    });
    const page = await suite.session.call(
      "GET",
      `/v1/apps/${appId}/runs?limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(page.body).toEqual({ items: [expect.objectContaining({ runId: warm })], nextCursor: null });
  });
});

describe("incoming webhooks", () => {
  it("send their body into the channel through the secret URL, and stop when deleted", async () => {
    const appId = await importApp(
      appWith([{ actionId: "a", channelId: "in", type: "republish", config: {} }]),
    );
    const created = await suite.session.call("POST", `/v1/apps/${appId}/channels/in/incoming_webhooks`, {
      name: "partner",
    });
    expect(created.status).toBe(201);
    const { url, secret, webhookId } = created.body;
    const posted = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"door":"open"}',
    });
    expect(posted.status).toBe(202);
    const { executionId } = (await posted.json()) as { executionId: string };
    const run = await waitForRun(suite.session, appId, executionId);
    expect(run.messages[0].context).toEqual({ eventType: "webhook", webhookId });
    expect(run.steps[0].result).toEqual({ door: "open" });

    const listed = await suite.session.call("GET", `/v1/apps/${appId}/channels/in/incoming_webhooks`);
    expect(listed.body).toEqual({ items: [expect.objectContaining({ webhookId })], nextCursor: null });
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const bySecretOnly = await fetch(`${suite.conflux.url}/v1/flux/incoming_webhooks/${secret}`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(bySecretOnly.status).toBe(202);
    const wrong = await fetch(`${suite.conflux.url}/v1/flux/incoming_webhooks/${webhookId}/not-the-secret`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    expect(wrong.status).toBe(404);

    expect(
      (await suite.session.call("DELETE", `/v1/apps/${appId}/channels/in/incoming_webhooks/${webhookId}`))
        .status,
    ).toBe(204);
    const gone = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(gone.status).toBe(404);
  });
});

describe("the API", () => {
  it("publishes an OpenAPI document and a docs page", async () => {
    const document = (await (await fetch(`${suite.conflux.url}/v1/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        "/v1/apps",
        "/v1/apps/{appId}/runs/{runId}",
        "/v1/flux/apps/{appId}/channels/{channelId}/messages",
      ]),
    );
    expect((await fetch(`${suite.conflux.url}/docs/`)).status).toBe(200);
  });

  it("declares the {items, nextCursor} answer of the lists it answers whole", async () => {
    const document = (await (await fetch(`${suite.conflux.url}/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>>;
    };
    const answers = new Map(
      Object.values(document.paths)
        .flatMap((byMethod) => Object.values(byMethod))
        .map((operation) => [operation.operationId, operation.responses?.["200"]]),
    );
    for (const operationId of [
      "listIncomingWebhooks",
      "listAiModels",
      "listCustomers",
      "listOutages",
      "listOutageClaims",
      "listProviderOutages",
      "listProviderNotices",
      "listProviderMaintenance",
      "listProviderOverdueInvoices",
      "listProviderCoupons",
      "listProviderTestClocks",
      "listProviderAdmins",
    ])
      expect(answers.get(operationId), operationId).toMatchObject({
        content: {
          "application/json": {
            schema: { properties: { items: { type: "array" }, nextCursor: expect.anything() } },
          },
        },
      });
  });

  it("answers unknown routes and missing credentials as {code, message}", async () => {
    const missing = await fetch(`${suite.conflux.url}/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "not_found" });
    const anonymous = await fetch(`${suite.conflux.url}/v1/apps`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: "unauthorized" });
  });

  it("accepts SORACOM's header names", async () => {
    const email = `flux-${Date.now()}@example.com`;
    await signUp(suite.conflux.url, email);
    const auth = (await (
      await fetch(`${suite.conflux.url}/v1/auth`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: testPassword }),
      })
    ).json()) as { apiKey: string; token: string };
    const listed = await fetch(`${suite.conflux.url}/v1/apps`, {
      headers: { "X-Soracom-API-Key": auth.apiKey, "X-Soracom-Token": auth.token },
    });
    expect(listed.status).toBe(200);
  });

  it("answers a second sign-up for the same e-mail as the first, without a second account, and refuses a wrong password", async () => {
    const email = `twice-${Date.now()}@example.com`;
    const first = await signUp(suite.conflux.url, email);
    const again = await fetch(`${suite.conflux.url}/v1/operators`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: email.toUpperCase(), password: "another password" }),
    });
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual({ email });
    const signIn = (password: string) =>
      fetch(`${suite.conflux.url}/v1/auth`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password }),
      });
    expect((await signIn("another password")).status).toBe(401);
    const original = await signIn(testPassword);
    expect(await original.json()).toMatchObject({ operatorId: first.operatorId });
  });

  it("stops accepting a token at once after log-out", async () => {
    const other = await signUp(suite.conflux.url);
    expect((await other.call("GET", "/v1/apps")).status).toBe(200);
    expect((await other.call("POST", "/v1/auth/logout")).status).toBe(204);
    expect((await other.call("GET", "/v1/apps")).status).toBe(401);
  });

  it("limits sign-up attempts per client address with 429 and Retry-After", async () => {
    const limited = await startTestConflux({ limits: { authAttemptsPerMinute: 3 } });
    try {
      const attempt = () =>
        fetch(`${limited.url}/v1/operators`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "nobody@example.com", password: "short" }),
        });
      for (let n = 0; n < 3; n++) expect((await attempt()).status).toBe(400);
      const refused = await attempt();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await refused.json()).toMatchObject({ code: "rate_limited" });
    } finally {
      await limited.cleanUp();
    }
  });

  it("gives operator ids of the form OP + 10 digits", () => {
    expect(suite.session.operatorId).toMatch(/^OP\d{10}$/);
  });
});
