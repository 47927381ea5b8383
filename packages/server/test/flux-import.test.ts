import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { serveImage, testImage, useAiSuite } from "./ai-fixture.ts";
import { useContractDatabases } from "./databases.ts";
import { fluxApp } from "./flux-fixture.ts";
import { type ApiSession, signUp, waitForRun } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";

/** A Flux export with Flux's type names and config shapes: a counter that loops on its channel, Slack, a camera. */
function fluxExport(slackUrl: string) {
  return fluxApp(["  Counter", " Camera"], ({ channelIds: [counter, camera] }) => [
    {
      channelId: counter,
      name: "count up",
      condition: "payload.n < 3",
      output: { enabled: true, channelId: counter, splitArray: false },
      type: "republish",
      config: { transform: { contentType: "application/json", content: '{"n": ${payload.n + 1}}' } },
    },
    {
      channelId: counter,
      name: "tell Slack",
      condition: "payload.n == 3",
      type: "slack-notification",
      config: { url: slackUrl, payload: { text: "count reached ${payload.n}" } },
    },
    {
      channelId: camera,
      name: "find people",
      type: "object-detection",
      config: { payload: { imageUrl: "${payload.url}" } },
    },
  ]);
}

type FluxExport = ReturnType<typeof fluxExport>;

/** The keys of an app's parts, as a round trip must keep them. */
function shapeOf(app: any) {
  return {
    app: Object.keys(app).sort(),
    channels: app.channels.map((channel: any) => [channel.name, Object.keys(channel).sort()]),
    actions: app.actions.map((action: any) => [
      action.type,
      Object.keys(action).sort(),
      Object.keys(action.output).sort(),
      JSON.stringify(action.config, (_key, value) =>
        value && typeof value === "object" && !Array.isArray(value) ? Object.keys(value).sort() : value,
      ),
    ]),
  };
}

const { databases } = await useContractDatabases("flux-import");

describe.each(databases)("a SORACOM Flux export on %s", (_name, database) => {
  if (!database) return void it.skip("needs PostgreSQL", () => {});
  const suite = useAiSuite(undefined, { database });
  const slack = new HttpSink();
  let slackUrl = "";
  beforeAll(async () => {
    slackUrl = `${await slack.start()}/services/T000/B000/secret`;
  });
  afterAll(() => slack.stop());

  async function importApp(app: unknown, query = "", session: ApiSession = suite.session) {
    return session.call("POST", `/v1/apps/import${query}`, app);
  }

  async function send(appId: string, channelId: string, payload: unknown) {
    const sent = await suite.session.call(
      "POST",
      `/v1/flux/apps/${appId}/channels/${channelId}/messages`,
      payload,
    );
    expect(sent.status, sent.text).toBe(202);
    return waitForRun(suite.session, appId, sent.body.executionId);
  }

  it("imports unchanged, runs a self-loop its condition ends, and exports the same names and keys", async () => {
    const flux = fluxExport(slackUrl);
    const imported = await importApp(flux);
    expect(imported.status, imported.text).toBe(201);
    expect(imported.body.notes).toEqual([]);
    const { appId } = imported.body;
    const [counter, camera] = flux.channels.map((channel) => channel.channelId);
    expect(imported.body.channels.map((channel: any) => channel.name)).toEqual(["  Counter", " Camera"]);

    const before = slack.received.length;
    const run = await send(appId, counter as string, { n: 0 });
    expect(run.status).toBe("completed");
    expect(run.messages.map((message: any) => [message.channelId, message.hop, message.payload])).toEqual([
      [counter, 0, { n: 0 }],
      [counter, 1, { n: 1 }],
      [counter, 2, { n: 2 }],
      [counter, 3, { n: 3 }],
    ]);
    const byAction = (type: string) =>
      run.steps
        .filter((step: any) => step.actionType === type)
        .sort((a: any, b: any) => a.input.n - b.input.n)
        .map((step: any) => step.status);
    expect(byAction("republish")).toEqual(["completed", "completed", "completed", "skipped"]);
    expect(byAction("slack-notification")).toEqual(["skipped", "skipped", "skipped", "completed"]);
    const [posted] = await slack.waitFor(before + 1).then((received) => received.slice(before));
    expect(posted?.url).toBe("/services/T000/B000/secret");
    expect(JSON.parse(posted?.body ?? "")).toEqual({ text: "count reached 3" });

    suite.standIn.answer = () => ({
      text: JSON.stringify({
        objects: [{ class: "person", score: 0.9, box: { x: 0, y: 0, width: 0.5, height: 0.5 } }],
      }),
    });
    const imageUrl = serveImage(suite, await testImage(40, 20));
    const detected = await send(appId, camera as string, { url: imageUrl });
    expect(detected.steps[0]).toMatchObject({
      actionType: "object-detection",
      status: "completed",
      result: { person: 1, objects: [{ class: "person", box: { x: 0, y: 0, width: 20, height: 10 } }] },
    });

    const exported = await suite.session.call("GET", `/v1/apps/${appId}/export?includeSecrets=true`);
    expect(exported.status).toBe(200);
    const expected = { ...flux, appId } as FluxExport;
    for (const part of [...expected.channels, ...expected.actions]) part.appId = appId;
    expect(exported.body).toEqual(expected);
    expect(shapeOf(exported.body)).toEqual(shapeOf(flux));
    const asYaml = await suite.session.call(
      "GET",
      `/v1/apps/${appId}/export?format=yaml&includeSecrets=true`,
    );
    expect(YAML.parse(asYaml.text)).toEqual(expected);
  });

  it("runs and exports an app saved before configs were kept as they came (its defaults written in)", async () => {
    // As the store held it from earlier servers: every default filled in, object-detection's own imageUrl.
    const saved = await suite.conflux.services.store.forOperator(suite.session.operatorId).createApp(ulid(), {
      name: "saved earlier",
      description: "",
      tags: {},
      channels: [{ channelId: "in", name: "", description: "", tags: {} }],
      actions: [
        {
          actionId: "hook",
          channelId: "in",
          name: "",
          description: "",
          enabled: true,
          condition: "",
          type: "webhook",
          config: {
            method: "POST",
            url: `${slackUrl.replace(/\/services.*/, "")}/earlier`,
            headers: {},
            body: { mode: "forward" },
            auth: { type: "none" },
          },
          output: { enabled: false, splitArray: false, delaySeconds: 0 },
          errorOutput: { enabled: false },
          tags: {},
        },
      ],
    });
    const before = slack.received.length;
    const run = await send(saved.appId, "in", { temp: 9 });
    expect(run.steps[0]).toMatchObject({ status: "completed", result: { status: 200 } });
    const [posted] = (await slack.waitFor(before + 1)).slice(before);
    expect([posted?.url, JSON.parse(posted?.body ?? "")]).toEqual(["/earlier", { temp: 9 }]);
    const exported = (await suite.session.call("GET", `/v1/apps/${saved.appId}/export`)).body;
    expect(exported.actions[0].config).toEqual(saved.actions[0]?.config);
  });

  it("redacts the Slack URL on export unless asked; a replace keeps the stored one, a new import turns the action off", async () => {
    const flux = fluxExport(slackUrl);
    const { appId } = (await importApp(flux)).body;
    const exported = (await suite.session.call("GET", `/v1/apps/${appId}/export`)).body;
    expect(exported.actions[1].config).toEqual({
      url: "<redacted>",
      payload: { text: "count reached ${payload.n}" },
    });
    expect(JSON.stringify(exported)).not.toContain("secret");

    const replaced = await importApp(exported, "?mode=replace");
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body).toMatchObject({ appId, version: 2, notes: [] });
    expect(replaced.body.actions[1]).toMatchObject({ enabled: true, config: { url: slackUrl } });

    const copied = await importApp(exported);
    expect(copied.status).toBe(201);
    expect(copied.body.actions[1]).toMatchObject({ enabled: false, config: { url: "<redacted>" } });
    expect(copied.body.notes.map((note: any) => note.message)).toEqual([
      expect.stringContaining(`this account has app ${appId} already`),
      "action 'tell Slack': config.url was redacted when the app was exported; imported turned off until it is entered",
    ]);
  });

  it("gives an app already in the account new ids, every reference re-linked; mode=replace updates it in place", async () => {
    const flux = fluxExport(slackUrl);
    const first = (await importApp(flux)).body;
    const copy = await importApp({ ...flux, appId: first.appId });
    expect(copy.status).toBe(201);
    const app = copy.body;
    expect(app.appId).not.toBe(first.appId);
    const oldIds = new Set([
      ...flux.channels.map((c) => c.channelId),
      ...flux.actions.map((a) => a.actionId),
    ]);
    const channelIds = app.channels.map((channel: any) => channel.channelId);
    for (const id of [...channelIds, ...app.actions.map((action: any) => action.actionId)])
      expect(oldIds.has(id)).toBe(false);
    const [counter, camera] = channelIds;
    expect(app.actions.map((action: any) => [action.channelId, action.output.channelId])).toEqual([
      [counter, counter],
      [counter, undefined],
      [camera, undefined],
    ]);
    const run = await send(app.appId, counter, { n: 2 });
    expect(run.messages.map((message: any) => message.channelId)).toEqual([counter, counter]);

    // A newer export from SORACOM Flux names Flux's app id: appId= says which app it updates.
    const renamed = { ...flux, name: "renamed in place" };
    const replaced = await importApp(renamed, `?mode=replace&appId=${first.appId}`);
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body).toMatchObject({ appId: first.appId, name: "renamed in place", version: 2 });
    expect(replaced.body.channels.map((channel: any) => channel.channelId)).toEqual(
      flux.channels.map((channel) => channel.channelId),
    );
    const versions = await suite.session.call("GET", `/v1/apps/${first.appId}/versions`);
    expect(versions.body.items[0]).toMatchObject({ version: 2, origin: "imported" });
  });

  it("never touches nor reveals an app id of another operator's account", async () => {
    const flux = fluxExport(slackUrl);
    const theirs = (await importApp(flux)).body;
    // What the first operator's export says, in the second one's hands.
    const theirExport = { ...flux, appId: theirs.appId };
    const other = await signUp(suite.conflux.url);
    const mine = await importApp(theirExport, "", other);
    expect(mine.status).toBe(201);
    expect(mine.body.appId).not.toBe(theirs.appId);
    expect(mine.body.notes).toEqual([]);
    // Ids as they came, as for an app id nobody has: nothing tells the two cases apart.
    expect(mine.body.channels.map((channel: any) => channel.channelId)).toEqual(
      flux.channels.map((channel) => channel.channelId),
    );
    const replace = await importApp(theirExport, "?mode=replace", other);
    const nobodys = await importApp({ ...flux, appId: ulid() }, "?mode=replace", other);
    expect([replace.status, nobodys.status]).toEqual([404, 404]);
    expect(replace.body.message).toBe(`no app ${theirs.appId} in this account to replace`);
    const unchanged = await suite.session.call("GET", `/v1/apps/${theirs.appId}`);
    expect(unchanged.body).toMatchObject({ version: 1, name: "Flux sample" });
  });

  it("enabled=false imports every event source and action turned off", async () => {
    const flux = fluxExport(slackUrl);
    const withSource = {
      ...flux,
      channels: flux.channels.map((channel) => ({
        ...channel,
        eventSource: { type: "api", enabled: true, config: {} },
      })),
    };
    const imported = await importApp(withSource, "?enabled=false");
    expect(imported.status, imported.text).toBe(201);
    expect(imported.body.channels.map((channel: any) => channel.eventSource.enabled)).toEqual([false, false]);
    expect(imported.body.actions.map((action: any) => action.enabled)).toEqual([false, false, false]);
  });

  it("dryRun answers every problem with where it is, or what it would save, and saves nothing", async () => {
    const before = (await suite.session.call("GET", "/v1/apps")).body.items.length;
    const flux = fluxExport(slackUrl) as any;
    flux.actions[0].condition = "payload.n <";
    flux.actions[1].config.payload = {};
    flux.actions[2].channelId = "nowhere";
    flux.actions[2].output = { enabled: true, splitArray: false };
    const refused = await importApp(flux, "?dryRun=true");
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe("validation_failed");
    expect(refused.body.details.map((problem: any) => problem.path).sort()).toEqual([
      "actions.0.condition",
      "actions.1.config.payload.text",
      "actions.2.channelId",
      "actions.2.output.channelId",
    ]);

    const good = fluxExport(slackUrl);
    good.actions.push({
      ...good.actions[0],
      actionId: ulid(),
      name: "call LINE",
      type: "line",
      config: {},
    } as any);
    const checked = await importApp(good, "?dryRun=true");
    expect(checked.status, checked.text).toBe(200);
    expect(checked.body).toMatchObject({ dryRun: true, appId: null, app: { name: "Flux sample" } });
    expect(checked.body.app.actions[3]).toMatchObject({ type: "line", enabled: false });
    expect(checked.body.notes).toEqual([
      {
        path: "actions.3",
        message:
          "action 'call LINE': type 'line' cannot run in this Conflux yet; kept as it came, turned off",
      },
    ]);
    expect((await suite.session.call("GET", "/v1/apps")).body.items).toHaveLength(before);
  });
});
