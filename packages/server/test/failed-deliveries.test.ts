import { afterAll, describe, expect, it } from "vitest";
import { createPostgresSchema } from "./databases.ts";
import { type ApiSession, type Suite, signUp, useSuite, waitForRun } from "./harness.ts";

// Deliveries fail for good after 3 tries 20 ms apart; the breaker (another suite's subject) stays shut.
const runtime = {
  concurrency: 64,
  maxTries: 3,
  retryBaseMs: 20,
  breakerFailures: 1_000,
  leaseMs: 30_000,
  pollMs: 20,
};
const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());
const suites: Array<[string, Suite | undefined]> = [
  ["SQLite", useSuite({ runtime })],
  ["PostgreSQL", postgres ? useSuite({ database: postgres.database, runtime }) : undefined],
];

async function appWithWebhook(session: ApiSession, actionId: string, url: string): Promise<string> {
  const created = await session.call("POST", "/v1/apps", {
    name: actionId,
    channels: [{ channelId: "in" }],
    actions: [{ actionId, channelId: "in", type: "webhook", config: { url } }],
  });
  expect(created.status, created.text).toBe(201);
  return created.body.appId;
}

async function sendAndWait(session: ApiSession, appId: string, payload: unknown) {
  const sent = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, payload);
  return waitForRun(session, appId, sent.body.executionId);
}

describe.each(suites)("failed deliveries on %s", (_database, suite) => {
  it.skipIf(!suite)(
    "are listed by app, action, error code and time, and replayed in bulk with the same Idempotency-Keys",
    async () => {
      if (!suite) return;
      const { session, sink, sinkUrl } = suite;
      let receiverUp = false;
      sink.reply = () => (receiverUp ? { status: 200, body: "ok" } : { status: 500, body: "down" });
      const hookApp = await appWithWebhook(session, "hook", `${sinkUrl}/down`);
      // Nothing listens on port 9 of the loopback: a network error, not an HTTP status.
      const otherApp = await appWithWebhook(session, "other", "http://127.0.0.1:9/nothing");
      const before = Date.now();
      for (let n = 0; n < 3; n++) expect((await sendAndWait(session, hookApp, { n })).status).toBe("failed");
      expect((await sendAndWait(session, otherApp, {})).status).toBe("failed");
      const firstKeys = new Set(sink.received.map((request) => request.headers["idempotency-key"]));
      expect(firstKeys.size).toBe(3);

      const all = await session.call("GET", "/v1/failed_deliveries");
      expect(all.status).toBe(200);
      expect(all.body.items).toHaveLength(4);
      expect(all.body.items[0]).toMatchObject({ appId: otherApp, actionId: "other", actionType: "webhook" });
      expect(all.body.items[0].error.code).toBe("outbound_network");
      const byCode = await session.call("GET", "/v1/failed_deliveries?errorCode=http_status");
      expect(byCode.body.items.map((delivery: { appId: string }) => delivery.appId)).toEqual([
        hookApp,
        hookApp,
        hookApp,
      ]);
      expect(byCode.body.items[0]).toMatchObject({
        actionId: "hook",
        attempts: 3,
        error: { code: "http_status" },
      });
      expect((await session.call("GET", `/v1/failed_deliveries?appId=${otherApp}`)).body.items).toHaveLength(
        1,
      );
      expect(
        (await session.call("GET", "/v1/failed_deliveries?actionId=hook&limit=2")).body.items,
      ).toHaveLength(2);
      const inTime = await session.call(
        "GET",
        `/v1/failed_deliveries?from=${new Date(before).toISOString()}&to=${Date.now() + 1}`,
      );
      expect(inTime.body.items).toHaveLength(4);
      expect((await session.call("GET", `/v1/failed_deliveries?to=${before}`)).body.items).toHaveLength(0);
      const badCode = await session.call("GET", "/v1/failed_deliveries?errorCode=http%25");
      expect(badCode.status).toBe(400);

      // Another operator sees none of them and cannot replay them.
      const stranger = await signUp(suite.conflux.url);
      expect((await stranger.call("GET", "/v1/failed_deliveries")).body.items).toEqual([]);
      expect((await stranger.call("POST", "/v1/failed_deliveries/replay", {})).body).toEqual({ requeued: 0 });

      receiverUp = true;
      const received = sink.received.length;
      const replayed = await session.call("POST", "/v1/failed_deliveries/replay", {
        appId: hookApp,
        errorCode: "http_status",
      });
      expect(replayed.status).toBe(202);
      expect(replayed.body).toEqual({ requeued: 3 });
      await sink.waitFor(received + 3);
      const resent = sink.received.slice(received);
      expect(new Set(resent.map((request) => request.headers["idempotency-key"]))).toEqual(firstKeys);

      const runs = (await session.call("GET", `/v1/apps/${hookApp}/runs`)).body.items;
      for (const run of runs) {
        const done = await waitForRun(session, hookApp, run.runId);
        expect(done.status).toBe("completed");
        expect(done.steps[0]).toMatchObject({ status: "completed", result: { status: 200 } });
      }
      const left = await session.call("GET", "/v1/failed_deliveries");
      expect(left.body.items.map((delivery: { actionId: string }) => delivery.actionId)).toEqual(["other"]);
      // Replaying again finds nothing more to send for that app.
      expect((await session.call("POST", "/v1/failed_deliveries/replay", { appId: hookApp })).body).toEqual({
        requeued: 0,
      });
    },
  );
});
