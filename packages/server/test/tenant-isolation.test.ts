import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiSession, signUp, startTestConflux, waitForRun } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let sink: HttpSink;
let sinkUrl: string;
let alice: ApiSession;
let bob: ApiSession;
let appId: string;
let runId: string;

beforeAll(async () => {
  conflux = await startTestConflux();
  sink = new HttpSink();
  sinkUrl = await sink.start();
  alice = await signUp(conflux.url);
  bob = await signUp(conflux.url);
  await alice.call("PUT", "/v1/credentials/alice-token", {
    type: "api-token",
    credentials: { token: "alice-secret-token" },
  });
  const created = await alice.call("POST", "/v1/apps", {
    name: "alice's app",
    channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
    actions: [{ actionId: "copy", channelId: "in", type: "republish", config: {} }],
  });
  appId = created.body.appId;
  runId = (await alice.call("POST", `/v1/apps/${appId}/channels/in/messages`, { secret: 42 })).body
    .executionId;
  await waitForRun(alice, appId, runId);
});

afterAll(async () => {
  await conflux?.cleanUp();
  await sink?.stop();
});

describe("operator B and operator A's app", () => {
  it("B cannot read, change, export or delete A's app", async () => {
    expect((await bob.call("GET", "/v1/apps")).body.items).toEqual([]);
    for (const [method, url, body] of [
      ["GET", `/v1/apps/${appId}`],
      ["GET", `/v1/apps/${appId}/export`],
      ["PUT", `/v1/apps/${appId}`, { name: "mine now", channels: [], actions: [] }],
      ["DELETE", `/v1/apps/${appId}`],
    ] as const) {
      const response = await bob.call(method, url, body);
      expect(response.status, `${method} ${url}`).toBe(404);
    }
    expect((await alice.call("GET", `/v1/apps/${appId}`)).body.name).toBe("alice's app");
  });

  it("B cannot run A's app, by the API or by making a webhook on it", async () => {
    expect((await bob.call("POST", `/v1/apps/${appId}/channels/in/messages`, { x: 1 })).status).toBe(404);
    expect((await bob.call("POST", `/v1/flux/apps/${appId}/channels/in/messages`, { x: 1 })).status).toBe(
      404,
    );
    expect((await bob.call("POST", `/v1/apps/${appId}/channels/in/incoming_webhooks`, {})).status).toBe(404);
    expect((await alice.call("GET", `/v1/apps/${appId}/runs`)).body.items).toHaveLength(1);
  });

  it("B cannot see or replay A's history", async () => {
    expect((await bob.call("GET", `/v1/apps/${appId}/runs`)).status).toBe(404);
    expect((await bob.call("GET", `/v1/apps/${appId}/runs/${runId}`)).status).toBe(404);
    expect((await bob.call("POST", `/v1/apps/${appId}/runs/${runId}/replay`)).status).toBe(404);
  });

  it("B's own app cannot reach into A's history or credentials by id", async () => {
    const created = await bob.call("POST", "/v1/apps", {
      name: "bob's app",
      channels: [{ channelId: "in" }],
      actions: [
        {
          actionId: "steal",
          channelId: "in",
          type: "webhook",
          config: { url: `${sinkUrl}/steal`, auth: { type: "bearer", credentialsId: "alice-token" } },
        },
      ],
    });
    const bobApp = created.body.appId;
    expect((await bob.call("GET", `/v1/apps/${bobApp}/runs/${runId}`)).status).toBe(404);
    const bobRun = (await bob.call("POST", `/v1/apps/${bobApp}/channels/in/messages`, {})).body.executionId;
    const run = await waitForRun(bob, bobApp, bobRun);
    expect(run.steps[0]).toMatchObject({ status: "failed", error: { code: "credentials_not_found" } });
    expect(sink.received.some((request) => request.url === "/steal")).toBe(false);
    expect((await bob.call("GET", "/v1/credentials")).body).toEqual([]);
    expect((await bob.call("DELETE", "/v1/credentials/alice-token")).status).toBe(404);
  });

  it("the store layer scopes by operator even when handed A's ids", async () => {
    const bobStore = conflux.services.store.forOperator(bob.operatorId);
    expect(await bobStore.getApp(appId)).toBeUndefined();
    expect(await bobStore.getExecution(appId, runId)).toBeUndefined();
    expect(await bobStore.getMessage(runId)).toBeUndefined();
    expect(await bobStore.listExecutions(appId, { limit: 10 })).toEqual([]);
    expect(await bobStore.deleteApp(appId)).toBe(false);
    const aliceStore = conflux.services.store.forOperator(alice.operatorId);
    expect((await aliceStore.getExecution(appId, runId))?.steps).toHaveLength(1);
  });
});

describe("credentials", () => {
  it("are never returned by the API, and are stored encrypted", async () => {
    const listed = await alice.call("GET", "/v1/credentials");
    expect(listed.body).toEqual([
      expect.objectContaining({ credentialsId: "alice-token", type: "api-token" }),
    ]);
    expect(listed.text).not.toContain("alice-secret-token");
    const stored = await conflux.services.store.forOperator(alice.operatorId).getCredential("alice-token");
    expect(stored?.sealed).not.toContain("alice-secret-token");
    expect(JSON.parse(conflux.services.cipher.open(stored?.sealed ?? ""))).toEqual({
      token: "alice-secret-token",
    });
  });

  it("authenticate a webhook with Basic and bearer auth", async () => {
    await alice.call("PUT", "/v1/credentials/basic", {
      type: "username-password",
      credentials: { username: "u", password: "p:w" },
    });
    const created = await alice.call("POST", "/v1/apps", {
      name: "auth",
      channels: [{ channelId: "in" }],
      actions: [
        {
          actionId: "basic",
          channelId: "in",
          type: "webhook",
          config: { url: `${sinkUrl}/basic`, auth: { type: "basic", credentialsId: "basic" } },
        },
        {
          actionId: "bearer",
          channelId: "in",
          type: "webhook",
          config: { url: `${sinkUrl}/bearer`, auth: { type: "bearer", credentialsId: "alice-token" } },
        },
      ],
    });
    const id = created.body.appId;
    const run = await waitForRun(
      alice,
      id,
      (await alice.call("POST", `/v1/apps/${id}/channels/in/messages`, {})).body.executionId,
    );
    expect(run.status).toBe("completed");
    const byPath = Object.fromEntries(
      sink.received.map((request) => [request.url, request.headers.authorization]),
    );
    expect(byPath["/basic"]).toBe(`Basic ${Buffer.from("u:p:w").toString("base64")}`);
    expect(byPath["/bearer"]).toBe("Bearer alice-secret-token");
    expect(JSON.stringify(run)).not.toContain("alice-secret-token");
  });
});
