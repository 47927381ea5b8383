import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresSchema } from "./databases.ts";
import { type ApiSession, signUp, waitForRun } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";
import { freePort, useServeProcess } from "./serve-process.ts";

// Slow suite: a real `conflux serve` process collecting messages, killed with SIGKILL and started again.
const postgres = await createPostgresSchema();
const sink = new HttpSink();
const sinkUrl = await sink.start();
sink.reply = () => ({ status: 200, delayMs: 10 });

// On PostgreSQL a killed process's leases end when they expire (another instance may hold them): short ones.
const configDir = mkdtempSync(path.join(tmpdir(), "conflux-collect-crash-"));
const configFile = path.join(configDir, "config.json");
writeFileSync(configFile, JSON.stringify({ runtime: { leaseMs: 5_000 } }));

afterAll(async () => {
  await sink.stop();
  await postgres?.drop();
  rmSync(configDir, { recursive: true, force: true });
});

const baseEnv = {
  CONFLUX_OUTBOUND_ALLOW_PRIVATE: "1",
  CONFLUX_LOG_LEVEL: "warn",
  CONFLUX_MQTT_PORT: "0",
  CONFLUX_SOCKET_PORT: "0",
  CONFLUX_CONFIG: configFile,
};
const databases: Array<[string, Record<string, string> | undefined]> = [
  ["SQLite", {}],
  [
    "PostgreSQL",
    postgres
      ? { CONFLUX_DATABASE_URL: postgres.database.kind === "postgres" ? postgres.database.url : "" }
      : undefined,
  ],
];

/** The batches the sink got at `/<route>`, one per output message: a retry of the same one has its key. */
function batchesAt(route: string): Map<string, number[]> {
  const batches = new Map<string, number[]>();
  for (const request of sink.received.filter((received) => received.url === `/${route}`)) {
    const ns = JSON.parse(request.body).messages.map((message: { n: number }) => message.n);
    const key = String(request.headers["idempotency-key"]);
    const earlier = batches.get(key);
    // A webhook retried after the kill sends the same batch again, under the same key.
    if (earlier) expect(ns).toEqual(earlier);
    batches.set(key, ns);
  }
  return batches;
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

async function collectingApp(session: ApiSession, route: string, windowSeconds: number): Promise<string> {
  const { body } = await session.call("POST", "/v1/apps", {
    name: `collect ${route}`,
    channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }, { channelId: "out" }],
    actions: [
      {
        actionId: "gather",
        channelId: "in",
        type: "collect",
        config: { count: 10, windowSeconds },
        output: { enabled: true, channelId: "out" },
      },
      { actionId: "post", channelId: "out", type: "webhook", config: { url: `${sinkUrl}/${route}` } },
    ],
  });
  return body.appId;
}

describe.each(databases)("collect in a server killed with SIGKILL, on %s", (name, databaseEnv) => {
  const serve = useServeProcess(`collect-crash-${name.toLowerCase()}`);

  it.skipIf(!databaseEnv)(
    "sends every accepted message in exactly one batch after restart, and a window that was open when it died",
    { timeout: 240_000 },
    async () => {
      const env = { ...baseEnv, ...databaseEnv };
      const port = await freePort();
      const url = await serve.start(port, env);
      const session = await signUp(url);
      const route = `load-${name}`;
      const appId = await collectingApp(session, route, 2);

      const accepted: number[] = [];
      let next = 0;
      const killAfter = 120;
      const sender = async () => {
        while (next < 300) {
          const n = next++;
          try {
            const response = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { n });
            if (response.status === 202) accepted.push(n);
          } catch {
            return; // the server is gone: this message may or may not have been accepted
          }
          if (accepted.length === killAfter) serve.kill();
        }
      };
      await Promise.all(Array.from({ length: 8 }, sender));
      expect(accepted.length).toBeGreaterThanOrEqual(killAfter);

      await serve.start(port, env);
      const collected = () => [...batchesAt(route).values()].flat();
      await waitUntil(() => accepted.every((n) => collected().includes(n)), 90_000);
      const batches = [...batchesAt(route).values()];
      const all = batches.flat();
      for (const n of accepted) expect(all, `message ${n}`).toContain(n);
      // Exactly once: no message in two batches, none that was never sent.
      expect(new Set(all).size).toBe(all.length);
      for (const n of all) expect(n).toBeLessThan(next);
      for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(10);

      // A batch whose window was still open at the kill is sent after the restart.
      const late = `late-${name}`;
      const lateApp = await collectingApp(session, late, 8);
      const runs: string[] = [];
      for (const n of [1000, 1001, 1002]) {
        const response = await session.call("POST", `/v1/apps/${lateApp}/channels/in/messages`, { n });
        runs.push(response.body.executionId);
      }
      for (const runId of runs) await waitForRun(session, lateApp, runId, 30_000);
      serve.kill();
      expect(batchesAt(late).size).toBe(0);
      await serve.start(port, env);
      await waitUntil(() => batchesAt(late).size > 0, 90_000);
      expect([...batchesAt(late).values()]).toEqual([[1000, 1001, 1002]]);
    },
  );
});
