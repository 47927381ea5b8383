import { describe, expect, it } from "vitest";
import { signUp, startTestConflux, useSuite, waitForRun } from "./harness.ts";

const suite = useSuite();

async function runOne(action: Record<string, unknown>, payload: unknown) {
  const created = await suite.session.call("POST", "/v1/apps", {
    name: "one action",
    channels: [{ channelId: "in" }],
    actions: [{ actionId: "act", channelId: "in", ...action }],
  });
  expect(created.status, created.text).toBe(201);
  const appId = created.body.appId;
  const sent = await suite.session.call("POST", `/v1/apps/${appId}/channels/in/messages`, payload);
  return (await waitForRun(suite.session, appId, sent.body.executionId)).steps[0];
}

describe("the code action", () => {
  it("returns what the user's main function returns, with event and context", async () => {
    const step = await runOne(
      {
        type: "code",
        config: {
          source:
            "function main({ payload, event }) { console.log('avg'); return { avg: payload.values.reduce((a, b) => a + b) / payload.values.length, via: event.context.eventType }; }",
        },
      },
      { values: [1, 2, 6] },
    );
    expect(step).toMatchObject({ status: "completed", result: { avg: 3, via: "api" } });
  });

  it("stops user code that runs too long, and the host keeps working", async () => {
    const step = await runOne(
      { type: "code", config: { source: "function main() { for (;;) {} }", timeoutMs: 100 } },
      {},
    );
    expect(step).toMatchObject({ status: "failed", error: { code: "code_timeout" } });
  });

  it("is refused when the app is saved if it does not compile", async () => {
    const created = await suite.session.call("POST", "/v1/apps", {
      name: "broken code",
      channels: [{ channelId: "in" }],
      actions: [
        {
          actionId: "act",
          name: "average",
          channelId: "in",
          type: "code",
          config: { source: "function main( {" },
        },
      ],
    });
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({
      code: "validation_failed",
      details: [{ path: "actions.0.config.source" }],
    });
    expect(created.body.message).toMatch(/^config.source of action 'average': /);
  });

  it("gives user code no way out of the sandbox", async () => {
    const step = await runOne(
      {
        type: "code",
        config: { source: "function main() { return [typeof process, typeof require, typeof fetch]; }" },
      },
      {},
    );
    expect(step.result).toEqual(["undefined", "undefined", "undefined"]);
  });
});

describe("the slack action", () => {
  it("posts the rendered text as Slack's incoming-webhook JSON", async () => {
    const step = await runOne(
      {
        type: "slack",
        config: {
          url: `${suite.sinkUrl}/services/T000/B000/XXX`,
          text: "Door ${payload.door} at ${payload.site}",
        },
      },
      { door: "open", site: "Osaka" },
    );
    expect(step).toMatchObject({ status: "completed", result: { status: 200 } });
    const posted = suite.sink.received.find((request) => request.url === "/services/T000/B000/XXX");
    expect(JSON.parse(posted?.body ?? "")).toEqual({ text: "Door open at Osaka" });
  });
});

describe("the webhook action", () => {
  it("sends JSON and text bodies from templates and keeps at most 8,192 bytes of the answer", async () => {
    suite.sink.reply = (request) =>
      request.url === "/big"
        ? { status: 200, body: "y".repeat(20_000), headers: { "content-type": "text/plain" } }
        : { status: 200 };
    const json = await runOne(
      {
        type: "webhook",
        config: {
          url: `${suite.sinkUrl}/json`,
          method: "PUT",
          body: { mode: "json", content: '{"t": ${payload.t}, "s": "${payload.s}"}' },
        },
      },
      { t: 1.5, s: 'say "hi"' },
    );
    expect(json.status).toBe("completed");
    const put = suite.sink.received.find((request) => request.url === "/json");
    expect(put?.method).toBe("PUT");
    expect(JSON.parse(put?.body ?? "")).toEqual({ t: 1.5, s: 'say "hi"' });

    const text = await runOne(
      {
        type: "webhook",
        config: { url: `${suite.sinkUrl}/big`, body: { mode: "text", content: "t=${payload.t}" } },
      },
      { t: 2 },
    );
    expect(suite.sink.received.find((request) => request.url === "/big")?.body).toBe("t=2");
    expect(text.result.body).toHaveLength(8_192);
  });

  it("sends other content types, no body on GET, and records a disabled action as disabled", async () => {
    const csv = await runOne(
      {
        type: "webhook",
        config: {
          url: `${suite.sinkUrl}/csv`,
          body: { mode: "other", contentType: "text/csv", content: "t,${payload.t}" },
        },
      },
      { t: 3 },
    );
    expect(csv.status).toBe("completed");
    const posted = suite.sink.received.find((request) => request.url === "/csv");
    expect(posted?.headers["content-type"]).toBe("text/csv");
    expect(posted?.body).toBe("t,3");

    await runOne(
      { type: "webhook", config: { method: "GET", url: `${suite.sinkUrl}/get?t=\${payload.t}` } },
      { t: 4 },
    );
    const fetched = suite.sink.received.find((request) => request.url.startsWith("/get"));
    expect(fetched).toMatchObject({ method: "GET", url: "/get?t=4", body: "" });

    const disabled = await runOne(
      { type: "webhook", enabled: false, config: { url: `${suite.sinkUrl}/never` } },
      {},
    );
    expect(disabled).toMatchObject({ status: "disabled", conditionValue: null });
    expect(suite.sink.received.some((request) => request.url === "/never")).toBe(false);
  });

  it("refuses private addresses unless the configuration allows them", async () => {
    const guarded = await startTestConflux({ outbound: { allowPrivateAddresses: false } });
    try {
      const other = await signUp(guarded.url);
      const created = await other.call("POST", "/v1/apps", {
        name: "ssrf",
        channels: [{ channelId: "in" }],
        actions: [
          { actionId: "act", channelId: "in", type: "webhook", config: { url: `${suite.sinkUrl}/internal` } },
        ],
      });
      const sent = await other.call("POST", `/v1/apps/${created.body.appId}/channels/in/messages`, {});
      const run = await waitForRun(other, created.body.appId, sent.body.executionId);
      expect(run.steps[0]).toMatchObject({
        status: "failed",
        attempts: 1,
        error: { code: "outbound_blocked" },
      });
      expect(suite.sink.received.some((request) => request.url === "/internal")).toBe(false);
    } finally {
      await guarded.cleanUp();
    }
  });

  it("fails a planned action type clearly at run time", async () => {
    const step = await runOne({ type: "line", config: { to: "someone", text: "hi" } }, {});
    expect(step).toMatchObject({ status: "failed", error: { code: "action_type_unavailable" } });
  });
});
