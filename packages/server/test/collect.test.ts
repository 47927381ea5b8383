import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/conflux.ts";
import { createPostgresSchema } from "./databases.ts";
import { type ApiSession, signUp, startTestConflux, waitForRun } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";

const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());

/** Polls until `done` holds or the generous bound passes; the assertion after it says what was missing. */
async function waitUntil(done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

const databases: Array<[string, Config["database"] | undefined]> = [
  ["SQLite", { kind: "sqlite" }],
  ["PostgreSQL", postgres?.database],
];

describe.each(databases)("the collect action on %s", (_name, database) => {
  const sink = new HttpSink();
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let session: ApiSession;
  let sinkUrl = "";

  beforeAll(async () => {
    if (!database) return;
    sinkUrl = await sink.start();
    conflux = await startTestConflux({ database });
    session = await signUp(conflux.url);
  });
  afterAll(async () => {
    await conflux?.cleanUp();
    await sink.stop();
  });

  /** in → collect → out → a webhook that posts each batch to the sink under `/<path>`. */
  async function collectingApp(
    path: string,
    config: Record<string, unknown>,
    output: Record<string, unknown> = {},
  ) {
    const created = await session.call("POST", "/v1/apps", {
      name: `collect ${path}`,
      channels: [{ channelId: "in" }, { channelId: "out" }],
      actions: [
        {
          actionId: "gather",
          channelId: "in",
          type: "collect",
          config,
          output: { enabled: true, channelId: "out", ...output },
        },
        { actionId: "post", channelId: "out", type: "webhook", config: { url: `${sinkUrl}/${path}` } },
      ],
    });
    expect(created.status, created.text).toBe(201);
    return created.body.appId as string;
  }

  const send = (appId: string, payload: unknown) =>
    session.call("POST", `/v1/apps/${appId}/channels/in/messages`, payload);
  const batchesAt = (path: string) =>
    sink.received.filter((request) => request.url === `/${path}`).map((request) => JSON.parse(request.body));

  it.skipIf(!database)(
    "sends a batch as soon as it holds `count` messages, in the order they came, as the output of the step that filled it",
    async () => {
      const appId = await collectingApp("by-count", { count: 3, windowSeconds: 3_600 });
      const runs = [];
      for (let n = 0; n < 7; n++) {
        const sent = await send(appId, { n });
        runs.push(await waitForRun(session, appId, sent.body.executionId));
      }
      await waitUntil(() => batchesAt("by-count").length >= 2);
      expect(batchesAt("by-count")).toEqual([
        { messages: [{ n: 0 }, { n: 1 }, { n: 2 }] },
        { messages: [{ n: 3 }, { n: 4 }, { n: 5 }] },
      ]);
      expect(runs[0].steps[0]).toMatchObject({
        actionId: "gather",
        status: "completed",
        result: { collected: true },
      });
      // The batch joins the run of the message that filled it, one hop on.
      const filled = await waitForRun(session, appId, runs[2].runId);
      const out = filled.messages.find((message: { channelId: string }) => message.channelId === "out");
      expect(out).toMatchObject({ hop: 1, payload: { messages: [{ n: 0 }, { n: 1 }, { n: 2 }] } });
      expect(filled.steps.map((step: { actionId: string }) => step.actionId).sort()).toEqual([
        "gather",
        "post",
      ]);
    },
  );

  it.skipIf(!database)(
    "sends what it holds when its window ends, through the output's transform",
    async () => {
      const appId = await collectingApp(
        "by-window",
        { count: 100, windowSeconds: 1 },
        {
          transform: {
            contentType: "application/json",
            content: '{"count": ${len(result.messages)}, "last": ${payload.n}}',
          },
        },
      );
      await send(appId, { n: 1 });
      await send(appId, { n: 2 });
      await waitUntil(() => batchesAt("by-window").length >= 1);
      expect(batchesAt("by-window")).toEqual([{ count: 2, last: 2 }]);
    },
  );

  it.skipIf(!database)(
    "puts each of many concurrent messages in exactly one batch of at most `count`",
    async () => {
      const appId = await collectingApp("concurrent", { count: 7, windowSeconds: 1 });
      const total = 50;
      await Promise.all(Array.from({ length: total }, (_, n) => send(appId, { n })));
      const collected = () =>
        batchesAt("concurrent").flatMap((batch) => batch.messages.map((m: { n: number }) => m.n));
      await waitUntil(() => collected().length >= total);
      expect(collected().sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, n) => n));
      const sizes = batchesAt("concurrent").map((batch) => batch.messages.length);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(7);
    },
  );

  it.skipIf(!database)("keeps the batches of two apps apart", async () => {
    const first = await collectingApp("app-a", { count: 2, windowSeconds: 3_600 });
    const second = await collectingApp("app-b", { count: 2, windowSeconds: 3_600 });
    await send(first, { from: "a1" });
    await send(second, { from: "b1" });
    await send(first, { from: "a2" });
    await send(second, { from: "b2" });
    await waitUntil(() => !(batchesAt("app-a").length < 1 || batchesAt("app-b").length < 1));
    expect(batchesAt("app-a")).toEqual([{ messages: [{ from: "a1" }, { from: "a2" }] }]);
    expect(batchesAt("app-b")).toEqual([{ messages: [{ from: "b1" }, { from: "b2" }] }]);
  });
});
