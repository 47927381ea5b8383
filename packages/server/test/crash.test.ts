import { afterAll, describe, expect, it } from "vitest";
import { signUp, waitForRun } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";
import { freePort, useServeProcess } from "./serve-process.ts";

// Slow suite: a real `conflux serve` process, killed with SIGKILL under load and started again.
const serve = useServeProcess("crash");
const env = {
  CONFLUX_OUTBOUND_ALLOW_PRIVATE: "1",
  CONFLUX_LOG_LEVEL: "warn",
  CONFLUX_MQTT_PORT: "0",
  CONFLUX_SOCKET_PORT: "0",
};
const sink = new HttpSink();

afterAll(async () => sink.stop());

describe("a server killed with SIGKILL under load", () => {
  it("processes every accepted message after restart, each action once in the history", {
    timeout: 180_000,
  }, async () => {
    const sinkUrl = await sink.start();
    sink.reply = () => ({ status: 200, delayMs: 30 });
    const port = await freePort();
    const url = await serve.start(port, env);
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
        if (accepted.length === killAfter) serve.kill();
      }
    };
    await Promise.all(Array.from({ length: 8 }, sender));
    expect(accepted.length).toBeGreaterThanOrEqual(killAfter);

    // Same port and data folder: the session's token is in the database and still valid.
    const deliveredBeforeRestart = sink.received.length;
    await serve.start(port, env);
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
