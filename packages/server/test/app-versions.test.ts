import { afterAll, describe, expect, it } from "vitest";
import { createPostgresSchema } from "./databases.ts";
import { createDeviceFixture } from "./device-fixture.ts";
import { type ApiSession, type Suite, signUp, useSuite, waitForRun } from "./harness.ts";

const suite = useSuite();
const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());

const firstDefinition = {
  name: "versioned",
  channels: [
    { channelId: "in", eventSource: { type: "api", config: {} } },
    { channelId: "uploads", eventSource: { type: "file", config: { pathPrefix: "/versions/" } } },
  ],
  actions: [
    { actionId: "copy", channelId: "in", type: "republish", config: {} },
    { actionId: "seen", channelId: "uploads", type: "republish", config: {} },
  ],
};

async function createApp(session: ApiSession): Promise<string> {
  const created = await session.call("POST", "/v1/apps", firstDefinition);
  expect(created.status).toBe(201);
  expect(created.body.version).toBe(1);
  return created.body.appId;
}

async function send(session: ApiSession, appId: string): Promise<any> {
  const sent = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { temp: 9 });
  return waitForRun(session, appId, sent.body.executionId);
}

describe("app versions", () => {
  it("saves with If-Match only on the version named, so a save made on an old copy loses nothing", async () => {
    const { session, conflux } = suite;
    const appId = await createApp(session);
    const got = await fetch(`${conflux.url}/v1/apps/${appId}`, { headers: session.headers });
    expect(got.headers.get("etag")).toBe('"1"');

    const first = await session.call(
      "PUT",
      `/v1/apps/${appId}`,
      { ...firstDefinition, name: "saved in tab one" },
      { "if-match": '"1"' },
    );
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(2);
    // Tab two still holds version 1: its save is refused and tab one's stays.
    const stale = await session.call(
      "PUT",
      `/v1/apps/${appId}`,
      { ...firstDefinition, name: "saved in tab two" },
      { "if-match": '"1"' },
    );
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({
      code: "precondition_failed",
      message: expect.stringContaining("it is at version 2 now"),
    });
    expect((await session.call("GET", `/v1/apps/${appId}`)).body).toMatchObject({
      name: "saved in tab one",
      version: 2,
    });

    expect(
      (await session.call("PUT", `/v1/apps/${appId}`, firstDefinition, { "if-match": "yesterday" })).status,
    ).toBe(400);
    expect(
      (await session.call("PUT", `/v1/apps/${appId}`, firstDefinition, { "if-match": "*" })).status,
    ).toBe(200);
    expect(
      (await session.call("PUT", "/v1/apps/no-such-app", firstDefinition, { "if-match": '"1"' })).status,
    ).toBe(404);
  });

  it("every save is the next version; the list is newest first, paged and without definitions", async () => {
    const { session } = suite;
    const appId = await createApp(session);
    const renamed = await session.call("PUT", `/v1/apps/${appId}`, { ...firstDefinition, name: "renamed" });
    expect(renamed.body.version).toBe(2);
    expect((await session.call("GET", `/v1/apps/${appId}`)).body.version).toBe(2);

    const listed = await session.call("GET", `/v1/apps/${appId}/versions`);
    const madeBy = { restoredFrom: null, createdBy: expect.stringContaining("@example.com") };
    expect(listed.body.items).toEqual([
      { appId, version: 2, createdAt: expect.any(Number), origin: "saved", ...madeBy },
      { appId, version: 1, createdAt: expect.any(Number), origin: "created", ...madeBy },
    ]);
    expect((await session.call("GET", `/v1/apps/${appId}/versions?limit=1`)).body.items).toHaveLength(1);
    const newest = await session.call("GET", `/v1/apps/${appId}/versions?limit=1`);
    expect(newest.body.nextCursor).not.toBeNull();
    const older = await session.call("GET", `/v1/apps/${appId}/versions?cursor=${newest.body.nextCursor}`);
    expect(older.body.nextCursor).toBeNull();
    expect((await session.call("GET", `/v1/apps/${appId}/versions?cursor=zero`)).status).toBe(400);
    expect(older.body.items.map((version: { version: number }) => version.version)).toEqual([1]);

    const first = await session.call("GET", `/v1/apps/${appId}/versions/1`);
    expect(first.body).toMatchObject({ appId, version: 1, definition: { name: "versioned" } });
    const exported = await session.call("GET", `/v1/apps/${appId}/export`);
    expect(exported.body).not.toHaveProperty("version");

    const imported = await session.call("POST", "/v1/apps/import", JSON.stringify(exported.body), {
      "content-type": "application/json",
    });
    expect(imported.body.version).toBe(1);
    const importedVersion = await session.call("GET", `/v1/apps/${imported.body.appId}/versions/1`);
    expect(importedVersion.body.definition.name).toBe("renamed");
  });

  it("each version says what made it (created, saved, imported, restored from which) and whose request", async () => {
    const { conflux } = suite;
    const email = `made-by-${Date.now()}@example.com`;
    const alice = await signUp(conflux.url, email);
    const appId = await createApp(alice);
    await alice.call("PUT", `/v1/apps/${appId}`, { ...firstDefinition, name: "renamed" });
    const restored = await alice.call("POST", `/v1/apps/${appId}/versions/1/restore`, undefined, {
      "if-match": '"2"',
    });
    expect(restored.body.version).toBe(3);

    const listed = await alice.call("GET", `/v1/apps/${appId}/versions`);
    expect(
      listed.body.items.map(({ version, origin, restoredFrom, createdBy }: Record<string, unknown>) => ({
        version,
        origin,
        restoredFrom,
        createdBy,
      })),
    ).toEqual([
      { version: 3, origin: "restored", restoredFrom: 1, createdBy: email },
      { version: 2, origin: "saved", restoredFrom: null, createdBy: email },
      { version: 1, origin: "created", restoredFrom: null, createdBy: email },
    ]);
    expect((await alice.call("GET", `/v1/apps/${appId}/versions/3`)).body).toMatchObject({
      version: 3,
      origin: "restored",
      restoredFrom: 1,
      createdBy: email,
      definition: { name: "versioned" },
    });

    const imported = await alice.call("POST", "/v1/apps/import", { ...firstDefinition, name: "imported" });
    expect((await alice.call("GET", `/v1/apps/${imported.body.appId}/versions`)).body.items).toEqual([
      expect.objectContaining({ version: 1, origin: "imported", restoredFrom: null, createdBy: email }),
    ]);
  });

  it("answers 404 for a version that does not exist and 400 for one that is not a number", async () => {
    const { session } = suite;
    const appId = await createApp(session);
    const missing = await session.call("GET", `/v1/apps/${appId}/versions/7`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ code: "not_found", message: `app ${appId} has no version 7` });
    const noApp = await session.call("GET", "/v1/apps/NOAPP/versions");
    expect(noApp.status).toBe(404);
    expect(noApp.body.message).toBe("no app NOAPP");
    expect((await session.call("GET", `/v1/apps/${appId}/versions/latest`)).status).toBe(400);
    expect((await session.call("GET", `/v1/apps/${appId}/versions?limit=0`)).status).toBe(400);
  });

  it("a run keeps the version it ran against after the app changes; a replay runs the current one", async () => {
    const { session } = suite;
    const appId = await createApp(session);
    const run = await send(session, appId);
    expect(run.appVersion).toBe(1);

    // Version 2 drops the action the run went through.
    await session.call("PUT", `/v1/apps/${appId}`, { ...firstDefinition, actions: [] });
    const reread = await session.call("GET", `/v1/apps/${appId}/runs/${run.runId}`);
    expect(reread.body.appVersion).toBe(1);
    expect(reread.body.steps.map((step: { actionId: string }) => step.actionId)).toEqual(["copy"]);
    const seen = await session.call("GET", `/v1/apps/${appId}/versions/${reread.body.appVersion}`);
    expect(seen.body.definition.actions.map((action: { actionId: string }) => action.actionId)).toContain(
      "copy",
    );

    expect((await send(session, appId)).appVersion).toBe(2);
    const replayed = await session.call("POST", `/v1/apps/${appId}/runs/${run.runId}/replay`);
    expect((await waitForRun(session, appId, replayed.body.runId)).appVersion).toBe(2);
    const listed = await session.call("GET", `/v1/apps/${appId}/runs?limit=100`);
    expect(
      listed.body.items.find((summary: { runId: string }) => summary.runId === run.runId).appVersion,
    ).toBe(1);
  });

  it("a run started by a file event records the version too", async () => {
    const { session } = suite;
    const appId = await createApp(session);
    await session.call("PUT", `/v1/apps/${appId}`, { ...firstDefinition, name: "second" });
    const stored = await session.call("PUT", "/v1/files/versions/a.txt", "hello", {
      "content-type": "text/plain",
    });
    expect(stored.status).toBe(201);
    let runs: Array<{ runId: string; appVersion: number | null; channelId: string }> = [];
    for (let tries = 0; tries < 200 && runs.length === 0; tries++) {
      runs = (await session.call("GET", `/v1/apps/${appId}/runs?channelId=uploads`)).body.items;
      if (runs.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(runs).toEqual([expect.objectContaining({ channelId: "uploads", appVersion: 2 })]);
  });

  it("a run started by a device message records the version too", async () => {
    const { session, conflux } = suite;
    const device = await createDeviceFixture(session, { keepData: false });
    const { body: app } = await session.call("GET", `/v1/apps/${device.appId}`);
    const { appId: _id, version: _version, createdAt: _created, updatedAt: _updated, ...definition } = app;
    expect((await session.call("PUT", `/v1/apps/${device.appId}`, definition)).body.version).toBe(2);
    const sent = await fetch(`${conflux.url}/v1/devices/${device.deviceId}/data`, {
      method: "POST",
      headers: { authorization: `Bearer ${device.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ temp: 9 }),
    });
    expect(sent.status).toBeLessThan(300);
    const [run] = (await session.call("GET", `/v1/apps/${device.appId}/runs`)).body.items;
    expect(run).toMatchObject({ eventType: "device", appVersion: 2 });
  });

  it("restores an earlier version as a new one, checked as any save", async () => {
    const { session } = suite;
    const appId = await createApp(session);
    await session.call("PUT", `/v1/apps/${appId}`, { ...firstDefinition, name: "changed", actions: [] });
    const restored = await session.call("POST", `/v1/apps/${appId}/versions/1/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ appId, version: 3, name: "versioned" });
    expect(restored.body.actions.map((action: { actionId: string }) => action.actionId)).toEqual([
      "copy",
      "seen",
    ]);
    expect((await session.call("GET", `/v1/apps/${appId}/versions`)).body.items[0].version).toBe(3);
    expect((await session.call("POST", `/v1/apps/${appId}/versions/9/restore`)).status).toBe(404);
  });

  it("another operator gets 404 for every version call, and versions go with the app", async () => {
    const { session, conflux } = suite;
    const appId = await createApp(session);
    const bob = await signUp(conflux.url);
    for (const [method, url] of [
      ["GET", `/v1/apps/${appId}/versions`],
      ["GET", `/v1/apps/${appId}/versions/1`],
      ["POST", `/v1/apps/${appId}/versions/1/restore`],
    ] as const) {
      const answer = await bob.call(method, url);
      expect(answer.status, `${method} ${url}`).toBe(404);
      expect(answer.body.message).toBe(`no app ${appId}`);
    }
    expect((await session.call("GET", `/v1/apps/${appId}/versions`)).body.items).toHaveLength(1);

    expect((await session.call("DELETE", `/v1/apps/${appId}`)).status).toBe(204);
    expect((await session.call("GET", `/v1/apps/${appId}/versions/1`)).status).toBe(404);
  });

  it("the OpenAPI document describes the version routes", async () => {
    const { conflux } = suite;
    const document = (await (await fetch(`${conflux.url}/v1/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<string, { tags?: string[]; parameters?: Array<{ name: string; in: string }> }>
      >;
    };
    expect(document.paths["/v1/apps/{appId}/versions"]?.get?.tags).toEqual(["AppVersion"]);
    expect(document.paths["/v1/apps/{appId}/versions/{version}"]?.get?.tags).toEqual(["AppVersion"]);
    expect(document.paths["/v1/apps/{appId}/versions/{version}/restore"]?.post?.parameters).toContainEqual(
      expect.objectContaining({ name: "if-match", in: "header" }),
    );
  });
});

/** Restoring with If-Match, as saving does: the check is in the save's UPDATE, so it holds on either database. */
async function restoresOnlyOnTheVersionNamed({ session, conflux }: Suite) {
  const appId = await createApp(session);
  await session.call("PUT", `/v1/apps/${appId}`, { ...firstDefinition, name: "renamed", actions: [] });

  const stale = await session.call("POST", `/v1/apps/${appId}/versions/1/restore`, undefined, {
    "if-match": '"1"',
  });
  expect(stale.status).toBe(412);
  expect(stale.body).toEqual({
    code: "precondition_failed",
    message: `app ${appId} was saved elsewhere since version 1: it is at version 2 now. Load it again, then restore the version.`,
  });
  expect((await session.call("GET", `/v1/apps/${appId}`)).body).toMatchObject({
    version: 2,
    name: "renamed",
  });

  // Five tabs restore on version 2 at once: one restore wins, the others are refused on the version it made.
  const racing = await Promise.all(
    [1, 2, 3, 4, 5].map(() =>
      session.call("POST", `/v1/apps/${appId}/versions/1/restore`, undefined, { "if-match": '"2"' }),
    ),
  );
  expect(racing.map((answer) => answer.status).sort()).toEqual([200, 412, 412, 412, 412]);
  const won = racing.find((answer) => answer.status === 200);
  expect(won?.body).toMatchObject({ appId, version: 3, name: "versioned" });
  for (const refused of racing.filter((answer) => answer.status === 412))
    expect(refused.body.message).toContain("it is at version 3 now");
  const listed = await session.call("GET", `/v1/apps/${appId}/versions`);
  expect(listed.body.items.map((version: { version: number }) => version.version)).toEqual([3, 2, 1]);
  expect(listed.body.items[0]).toMatchObject({
    origin: "restored",
    restoredFrom: 1,
    createdBy: expect.stringContaining("@example.com"),
  });

  const named = await fetch(`${conflux.url}/v1/apps/${appId}/versions/2/restore`, {
    method: "POST",
    headers: { ...session.headers, "if-match": 'W/"3"' },
  });
  expect(named.status).toBe(200);
  expect(named.headers.get("etag")).toBe('"4"');
  // Without If-Match (or with *), a restore is unconditional, as it always was.
  expect((await session.call("POST", `/v1/apps/${appId}/versions/1/restore`)).body.version).toBe(5);
  const anyVersion = await session.call("POST", `/v1/apps/${appId}/versions/1/restore`, undefined, {
    "if-match": "*",
  });
  expect(anyVersion.body.version).toBe(6);
  const malformed = await session.call("POST", `/v1/apps/${appId}/versions/1/restore`, undefined, {
    "if-match": "yesterday",
  });
  expect(malformed.status).toBe(400);
  const missing = await session.call("POST", `/v1/apps/${appId}/versions/9/restore`, undefined, {
    "if-match": '"6"',
  });
  expect(missing.status).toBe(404);
  expect((await session.call("GET", `/v1/apps/${appId}`)).body.version).toBe(6);
}

describe("restoring with If-Match", () => {
  it("on SQLite, restores only on the version named, one of concurrent restores at most", () =>
    restoresOnlyOnTheVersionNamed(suite));

  describe.skipIf(!postgres)("on PostgreSQL", () => {
    const onPostgres = useSuite(postgres ? { database: postgres.database } : {});
    it("restores only on the version named, one of concurrent restores at most", () =>
      restoresOnlyOnTheVersionNamed(onPostgres));
  });
});
