import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { signUp, waitForRun } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";

// Slow suite: a real `conflux serve` process, killed with SIGKILL under load and started again.
const cli = new URL("../bin/conflux.js", import.meta.url).pathname;
const dataDir = mkdtempSync(path.join(tmpdir(), "conflux-crash-"));
let child: ChildProcess | undefined;
const sink = new HttpSink();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startServer(port: number): Promise<string> {
  child = spawn(process.execPath, [cli, "serve"], {
    env: {
      ...process.env,
      CONFLUX_DATA_DIR: dataDir,
      CONFLUX_PORT: String(port),
      CONFLUX_OUTBOUND_ALLOW_PRIVATE: "1",
      CONFLUX_LOG_LEVEL: "warn",
      CONFLUX_MQTT_PORT: "0",
      CONFLUX_SOCKET_PORT: "0",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return url;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("conflux serve did not start");
}

afterAll(async () => {
  child?.kill("SIGKILL");
  await sink.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a server killed with SIGKILL under load", () => {
  it("processes every accepted message after restart, each action once in the history", {
    timeout: 180_000,
  }, async () => {
    const sinkUrl = await sink.start();
    sink.reply = () => ({ status: 200, delayMs: 30 });
    const port = await freePort();
    const url = await startServer(port);
    const session = await signUp(url);
    const { body: app } = await session.call("POST", "/v1/apps", {
      name: "crash",
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

    const accepted: string[] = [];
    let sent = 0;
    const killAfter = 150;
    const sender = async () => {
      while (sent < 400) {
        const n = sent++;
        try {
          const response = await session.call("POST", `/v1/apps/${app.appId}/channels/in/messages`, { n });
          if (response.status === 202) accepted.push(response.body.executionId);
        } catch {
          return; // the server is gone: this message was never accepted
        }
        if (accepted.length === killAfter) child?.kill("SIGKILL");
      }
    };
    await Promise.all(Array.from({ length: 8 }, sender));
    expect(accepted.length).toBeGreaterThanOrEqual(killAfter);

    // Same port and data folder: the session's token is in the database and still valid.
    const deliveredBeforeRestart = sink.received.length;
    await startServer(port);
    for (const runId of accepted) {
      const run = await waitForRun(session, app.appId, runId, 60_000);
      expect(run.status, runId).toBe("completed");
      const steps = run.steps
        .map((step: { actionId: string; status: string }) => `${step.actionId}:${step.status}`)
        .sort();
      expect(steps, runId).toEqual(["copy:completed", "hook:completed"]);
    }
    // The kill left work behind, and the restarted server did it.
    expect(sink.received.length).toBeGreaterThan(deliveredBeforeRestart);
    // At least once on the wire: a request cut off by the kill may be sent again, with the same key.
    const keys = new Set(sink.received.map((request) => request.headers["idempotency-key"]));
    for (const runId of accepted) expect(keys.has(`${runId}:hook`), runId).toBe(true);
  });
});
