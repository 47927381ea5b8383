import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresSchema } from "./databases.ts";
import { type ApiSession, logIn, signUp, waitForRun } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";
import { natsReachable, natsUrl, useNatsPrefixes } from "./nats.ts";
import { freePort, useServeProcess } from "./serve-process.ts";

// Slow suite: three `conflux serve` processes on one PostgreSQL and one JetStream; one is killed
// with SIGKILL under load and never comes back.
const postgres = await createPostgresSchema();
const reachable = postgres !== undefined && (await natsReachable());
const prefix = useNatsPrefixes("scale")();
const instances = [useServeProcess("scale-a"), useServeProcess("scale-b"), useServeProcess("scale-c")];
const sink = new HttpSink();

afterAll(async () => {
  // Before the schema goes: the survivors would go on polling it.
  for (const instance of instances) instance.kill();
  await sink.stop();
  await postgres?.drop();
});

describe("three instances on PostgreSQL and JetStream, one killed with SIGKILL under load", () => {
  it.skipIf(!reachable)(
    "deliver every accepted message, twice only with the same Idempotency-Key",
    { timeout: 240_000 },
    async () => {
      if (postgres?.database.kind !== "postgres") throw new Error("no PostgreSQL");
      const env = {
        CONFLUX_DATABASE_URL: postgres.database.url,
        CONFLUX_BUS: natsUrl,
        CONFLUX_BUS_PREFIX: prefix,
        CONFLUX_SECRET_KEY: randomBytes(32).toString("base64"),
        // The killed instance's steps run elsewhere once their lease (JetStream's ack wait) ends.
        CONFLUX_RUNTIME_LEASE_MS: "5000",
        CONFLUX_OUTBOUND_ALLOW_PRIVATE: "1",
        CONFLUX_LOG_LEVEL: "warn",
        CONFLUX_MQTT_PORT: "0",
        CONFLUX_SOCKET_PORT: "0",
      };
      const sinkUrl = await sink.start();
      sink.reply = () => ({ status: 200, delayMs: 30 });
      // One after the other: the first migrates the schema.
      const urls: string[] = [];
      for (const instance of instances) urls.push(await instance.start(await freePort(), env));
      const email = `scale-${randomBytes(4).toString("hex")}@example.com`;
      const first = await signUp(urls[0] ?? "", email);
      const sessions: ApiSession[] = [first];
      for (const url of urls.slice(1)) sessions.push(await logIn(url, email));
      const { body: app } = await first.call("POST", "/v1/apps", {
        name: "scale",
        channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }, { channelId: "out" }],
        actions: [
          {
            actionId: "hook",
            channelId: "in",
            type: "webhook",
            config: { url: `${sinkUrl}/hook` },
            output: { enabled: true, channelId: "out" },
          },
          { actionId: "copy", channelId: "out", type: "republish", config: {} },
        ],
      });

      // Each message goes to an instance in turn; when that instance is gone, to the next, with the same key.
      const killed = 1;
      const killAfter = 150;
      const total = 450;
      const runOfKey = new Map<string, string>();
      const acceptedBy = [0, 0, 0];
      let sent = 0;
      let dead = false;
      const send = async (n: number) => {
        const key = `message-${n}`;
        for (let attempt = 0; attempt < 6; attempt++) {
          const index = (n + attempt) % 3;
          if (dead && index === killed) continue;
          try {
            const response = await sessions[index]?.call(
              "POST",
              `/v1/apps/${app.appId}/channels/in/messages`,
              { n },
              { "idempotency-key": key },
            );
            if (response?.status !== 202) throw new Error(`answered ${response?.status}: ${response?.text}`);
            const known = runOfKey.get(key);
            // A key sent again after a cut-off answer names the run it started, if it started one.
            if (known) expect(response.body.executionId, key).toBe(known);
            runOfKey.set(key, response.body.executionId);
            if (acceptedBy[index] !== undefined) acceptedBy[index]++;
            return;
          } catch (error) {
            if (!(dead && index === killed)) throw error;
          }
        }
      };
      const sender = async () => {
        while (sent < total) {
          const n = sent++;
          await send(n);
          if (!dead && runOfKey.size >= killAfter) {
            dead = true;
            instances[killed]?.kill();
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, sender));
      expect(dead).toBe(true);
      expect(runOfKey.size).toBe(total);
      expect(acceptedBy[killed]).toBeGreaterThan(0);

      const runs = new Set(runOfKey.values());
      expect(runs.size).toBe(total);
      for (const runId of runs) {
        const run = await waitForRun(first, app.appId, runId, 90_000);
        expect(run.status, runId).toBe("completed");
        const steps = run.steps
          .map((step: { actionId: string; status: string }) => `${step.actionId}:${step.status}`)
          .sort();
        expect(steps, runId).toEqual(["copy:completed", "hook:completed"]);
      }
      // Every accepted run reached the sink, and nothing else did: a repeat carries the key of its run.
      const keys = sink.received.map((request) => String(request.headers["idempotency-key"]));
      expect(new Set(keys)).toEqual(new Set([...runs].map((runId) => `${runId}:hook`)));
      // The app's history holds one run per Idempotency-Key.
      const client = new pg.Client({ connectionString: postgres.database.url });
      await client.connect();
      const { rows } = await client.query("select count(*)::int as runs from executions where app_id = $1", [
        app.appId,
      ]);
      // The killed instance held steps under way; another instance took each of them again.
      const { rows: retaken } = await client.query(
        "select count(*)::int as steps from steps where app_id = $1 and attempts > 1",
        [app.appId],
      );
      await client.end();
      expect(rows[0]?.runs).toBe(total);
      expect(retaken[0]?.steps).toBeGreaterThan(0);
    },
  );
});
