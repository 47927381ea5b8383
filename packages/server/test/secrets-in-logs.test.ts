import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactUrl } from "../src/logging/logger.ts";
import { signUp, startTestConflux, testPassword, waitForRun } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";
import { captureLog } from "./log-capture.ts";

const { lines, destination: capture } = captureLog();
let conflux: Awaited<ReturnType<typeof startTestConflux>>;
const sink = new HttpSink();

beforeAll(async () => {
  // The most talkative level: every request line, every retry, every failure.
  conflux = await startTestConflux({ logLevel: "trace" }, capture);
});

afterAll(async () => {
  await conflux?.cleanUp();
  await sink.stop();
});

describe("the log", () => {
  it("holds no password, token, API key, credential or webhook secret, even at trace level", async () => {
    const sinkUrl = await sink.start();
    sink.reply = () => ({ status: 500, body: "boom" });
    const session = await signUp(conflux.url);
    const credentialValue = "bearer-value-that-must-not-leak";
    await session.call("PUT", "/v1/credentials/hook", {
      type: "api-token",
      credentials: { token: credentialValue },
    });
    const created = await session.call("POST", "/v1/apps", {
      name: "leaky?",
      channels: [{ channelId: "in" }],
      actions: [
        {
          actionId: "hook",
          channelId: "in",
          type: "webhook",
          config: { url: `${sinkUrl}/x`, auth: { type: "bearer", credentialsId: "hook" } },
        },
      ],
    });
    const appId = created.body.appId;
    const webhook = await session.call("POST", `/v1/apps/${appId}/channels/in/incoming_webhooks`, {});
    const posted = await fetch(webhook.body.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const run = await waitForRun(
      session,
      appId,
      ((await posted.json()) as { executionId: string }).executionId,
    );
    expect(run.steps[0]).toMatchObject({ status: "failed", attempts: 3 });
    expect(sink.received.at(-1)?.headers.authorization).toBe(`Bearer ${credentialValue}`);

    const log = lines.join("");
    expect(log).toContain("incoming_webhooks");
    for (const secret of [testPassword, credentialValue, webhook.body.secret])
      expect(log).not.toContain(secret);
  });

  it("cuts webhook secrets out of URLs", () => {
    expect(redactUrl("/v1/flux/incoming_webhooks/01ABC/s3cr3t?x=1")).toBe(
      "/v1/flux/incoming_webhooks/01ABC/[redacted]?x=1",
    );
    expect(redactUrl("/v1/flux/incoming_webhooks/s3cr3t")).toBe("/v1/flux/incoming_webhooks/[redacted]");
    expect(redactUrl("/v1/apps")).toBe("/v1/apps");
  });
});
