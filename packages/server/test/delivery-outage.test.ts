import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresSchema } from "./databases.ts";
import { type ApiSession, logIn, signUp, startTestConflux } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";

/**
 * A receiver that is down for a minute loses nothing: before, a webhook that answered 503 for 30 s
 * failed every message sent meanwhile after 3 tries within 4 s, for good. Here the receiver answers
 * 503 for 20 s, then does not answer at all (its port closed) for 40 s, Conflux is restarted in the
 * middle of it, and when the receiver comes back every message arrives, once per Idempotency-Key.
 * The wait between tries is capped at 1 s here instead of 60 s; the outage is real time.
 */

const messages = 200;
const unavailableMs = 20_000;
const unreachableMs = 40_000;
const runtime = {
  concurrency: 64,
  retryBaseMs: 50,
  retryMaxWaitSeconds: 1,
  retryForHours: 1,
  breakerFailures: 5,
  leaseMs: 30_000,
  pollMs: 20,
};

const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runsOf(session: ApiSession, appId: string): Promise<Array<{ runId: string; status: string }>> {
  const runs: Array<{ runId: string; status: string }> = [];
  let cursor: string | null = null;
  for (;;) {
    const query = `limit=100${cursor ? `&cursor=${cursor}` : ""}`;
    const { body } = await session.call("GET", `/v1/apps/${appId}/runs?${query}`);
    runs.push(...body.items);
    if (body.nextCursor === null) return runs;
    cursor = body.nextCursor;
  }
}

describe.each([
  ["SQLite", () => ({})],
  ["PostgreSQL", () => (postgres ? { database: postgres.database } : undefined)],
])("a webhook receiver down for a minute, on %s", (_database, databaseOf) => {
  const database = databaseOf();

  it.skipIf(!database)(
    "gets every message once it is back, each Idempotency-Key answered once, with retries parked behind its breaker and kept across a restart",
    async () => {
      const sink = new HttpSink();
      const sinkUrl = await sink.start();
      const port = Number(new URL(sinkUrl).port);
      let up = false;
      const answered = new Map<string, number>();
      sink.reply = (request) => {
        if (!up) return { status: 503, body: "maintenance" };
        const key = String(request.headers["idempotency-key"]);
        answered.set(key, (answered.get(key) ?? 0) + 1);
        return { status: 200, body: "ok" };
      };

      let conflux = await startTestConflux({ ...database, runtime });
      const dataDir = conflux.dataDir;
      try {
        const email = `outage-${Date.now()}@example.com`;
        let session = await signUp(conflux.url, email);
        const created = await session.call("POST", "/v1/apps", {
          name: "outage",
          channels: [{ channelId: "in" }],
          actions: [
            { actionId: "hook", channelId: "in", type: "webhook", config: { url: `${sinkUrl}/hook` } },
          ],
        });
        expect(created.status, created.text).toBe(201);
        const appId = created.body.appId as string;

        const outageStarted = Date.now();
        for (let n = 0; n < messages; n++) {
          const sent = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { n });
          expect(sent.status).toBe(202);
        }
        await sleep(unavailableMs - (Date.now() - outageStarted));
        // Each message was tried, then parked: a few probes a second, not every message every second.
        const triedWhileUnavailable = sink.received.length;
        expect(triedWhileUnavailable).toBeGreaterThanOrEqual(messages);
        expect(triedWhileUnavailable).toBeLessThan(messages + 100);
        const waiting = await runsOf(session, appId);
        expect(waiting).toHaveLength(messages);
        expect(waiting.every((run) => run.status === "running")).toBe(true);
        const run = await session.call("GET", `/v1/apps/${appId}/runs/${waiting[0]?.runId}`);
        expect(run.body.steps[0]).toMatchObject({ status: "retrying", error: { code: "http_status" } });

        await sink.stop();
        await sleep(unreachableMs / 2);
        // The waiting retries live in the database, not in the process.
        await conflux.stop();
        conflux = await startTestConflux({ ...database, runtime, dataDir });
        session = await logIn(conflux.url, email);
        await sleep(unreachableMs / 2);

        up = true;
        const recovered = Date.now();
        await sink.start(port);
        const deadline = recovered + 60_000;
        while (answered.size < messages && Date.now() < deadline) await sleep(100);
        const resumedMs = Date.now() - recovered;

        expect(answered.size).toBe(messages);
        expect([...answered.values()].every((count) => count === 1)).toBe(true);
        // Within about one wait cap (1 s here) of the recovery, plus the time to send them all.
        expect(resumedMs).toBeLessThan(15_000);
        let finished = await runsOf(session, appId);
        for (let n = 0; n < 50 && finished.some((run) => run.status !== "completed"); n++) {
          await sleep(100);
          finished = await runsOf(session, appId);
        }
        expect(finished.filter((run) => run.status === "completed")).toHaveLength(messages);
      } finally {
        await conflux.cleanUp();
        await sink.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    240_000,
  );
});
