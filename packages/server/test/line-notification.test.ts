import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lineRetryKey } from "../src/runtime/actions/line-notification.ts";
import { type ApiSession, signUp, startTestConflux, waitForRun } from "./harness.ts";
import { LineStandIn } from "./line-stand-in.ts";
import { captureLog } from "./log-capture.ts";

const line = new LineStandIn();
const channelToken = "line-channel-access-token-that-must-not-leak";
const userId = "U4af4980629a1b2c3d4e5f60718293a4b";
const { lines: logLines, destination } = captureLog();
let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let session: ApiSession;

beforeAll(async () => {
  const apiUrl = await line.start();
  line.tokens.add(channelToken);
  conflux = await startTestConflux({ line: { apiUrl }, logLevel: "debug" }, destination);
  session = await signUp(conflux.url);
  await session.call("PUT", "/v1/credentials/line", {
    type: "api-token",
    description: "LINE channel",
    credentials: { token: channelToken },
  });
  await session.call("PUT", "/v1/credentials/line-revoked", {
    type: "api-token",
    credentials: { token: "a-revoked-token" },
  });
});

afterAll(async () => {
  await conflux?.cleanUp();
  await line.stop();
});

async function notify(config: Record<string, unknown>, payload: unknown) {
  const created = await session.call("POST", "/v1/apps", {
    name: "line",
    channels: [{ channelId: "in" }],
    actions: [{ actionId: "tell", channelId: "in", type: "line-notification", config }],
  });
  expect(created.status, created.text).toBe(201);
  const sent = await session.call("POST", `/v1/apps/${created.body.appId}/channels/in/messages`, payload);
  const run = await waitForRun(session, created.body.appId, sent.body.executionId);
  return { run, step: run.steps[0], executionId: sent.body.executionId as string };
}

const config = {
  credentialsId: "line",
  to: "${payload.user}",
  text: "Fridge ${payload.id} is at ${payload.temp} °C",
};

describe("the line-notification action", () => {
  it("pushes the rendered text to the rendered recipient with the stored channel access token", async () => {
    const before = line.received.length;
    const { run, step, executionId } = await notify(config, { user: userId, id: "f-1", temp: 9.5 });
    expect(step).toMatchObject({ status: "completed", result: { status: 200 }, attempts: 1 });
    const request = line.received[before];
    expect(request?.headers.authorization).toBe(`Bearer ${channelToken}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    // Derived from the step's idempotency key, `<execution id>:<action id>`.
    expect(request?.headers["x-line-retry-key"]).toBe(lineRetryKey(`${executionId}:tell`));
    expect(request?.body).toEqual({
      to: userId,
      messages: [{ type: "text", text: "Fridge f-1 is at 9.5 °C" }],
    });
    expect(line.delivered.at(-1)).toEqual({ to: userId, text: "Fridge f-1 is at 9.5 °C" });
    // The token is a secret: in neither the run's history nor the log.
    expect(JSON.stringify(run)).not.toContain(channelToken);
    expect(logLines.join("")).not.toContain(channelToken);
  });

  it("sends one retry key on every try, so a retry after a lost answer is not delivered twice", async () => {
    // LINE takes the message but its answer is lost (a 503 on the way back): the retry gets 409.
    line.failures.push({ status: 503, afterAccepting: true });
    const before = line.received.length;
    const delivered = line.delivered.length;
    const { step } = await notify(config, { user: userId, id: "f-2", temp: 11 });
    expect(step).toMatchObject({ status: "completed", attempts: 2, result: { status: 409 } });
    const tries = line.received.slice(before);
    expect(tries).toHaveLength(2);
    expect(tries[0]?.headers["x-line-retry-key"]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(tries[1]?.headers["x-line-retry-key"]).toBe(tries[0]?.headers["x-line-retry-key"]);
    expect(line.delivered.length).toBe(delivered + 1);
  });

  it("retries 429 and 5xx, and each run has a retry key of its own", async () => {
    line.failures.push(
      {
        status: 429,
        body: { message: "You have reached your monthly limit." },
        headers: { "retry-after": "0" },
      },
      { status: 500 },
    );
    const before = line.received.length;
    const first = await notify(config, { user: userId, id: "f-3", temp: 12 });
    expect(first.step).toMatchObject({ status: "completed", attempts: 3, result: { status: 200 } });
    const second = await notify(config, { user: userId, id: "f-4", temp: 13 });
    expect(second.step.status).toBe("completed");
    const keys = line.received.slice(before).map((request) => request.headers["x-line-retry-key"]);
    expect(new Set(keys).size).toBe(2);
  });

  it("gives up after the last try and shows LINE's answer", async () => {
    line.failures.push({ status: 500 }, { status: 500 }, { status: 500 });
    const { step } = await notify(config, { user: userId, id: "f-5", temp: 14 });
    expect(step).toMatchObject({ status: "failed", attempts: 3, error: { code: "http_status" } });
    expect(step.error.message).toBe("LINE answered HTTP 500: An error occurred");
  });

  it("surfaces LINE's error message and details, and does not retry a refused request", async () => {
    const bad = await notify(config, { user: "not-a-user", id: "f-6", temp: 1 });
    expect(bad.step).toMatchObject({ status: "failed", attempts: 1 });
    expect(bad.step.error.message).toBe("LINE answered HTTP 400: Failed to send messages");

    const noRecipient = await notify({ ...config, to: "", text: "x" }, { user: userId });
    expect(noRecipient.step).toMatchObject({ status: "failed", error: { code: "line_recipient_missing" } });

    const revoked = await notify(
      { ...config, credentialsId: "line-revoked" },
      { user: userId, id: 1, temp: 2 },
    );
    expect(revoked.step).toMatchObject({ status: "failed", attempts: 1 });
    expect(revoked.step.error.message).toMatch(/^LINE answered HTTP 401: Authentication failed\./);
    expect(JSON.stringify(revoked.run)).not.toContain("a-revoked-token");
  });

  it("lists LINE's validation details in the error, and checks the text's length before sending", async () => {
    line.failures.push({
      status: 400,
      body: {
        message: "The request body has 1 error(s)",
        details: [{ message: "Length must be between 1 and 5000", property: "messages[0].text" }],
      },
    });
    const refused = await notify(config, { user: userId, id: "f-7", temp: 3 });
    expect(refused.step.error.message).toBe(
      "LINE answered HTTP 400: The request body has 1 error(s) (messages[0].text: Length must be between 1 and 5000)",
    );
    const before = line.received.length;
    const created = await session.call("POST", "/v1/apps", {
      name: "line",
      channels: [{ channelId: "in" }],
      actions: [
        {
          actionId: "tell",
          channelId: "in",
          type: "line-notification",
          config: { ...config, text: "${payload.text}" },
        },
      ],
    });
    const sent = await session.call("POST", `/v1/apps/${created.body.appId}/channels/in/messages`, {
      user: userId,
      text: "y".repeat(5_001),
    });
    const run = await waitForRun(session, created.body.appId, sent.body.executionId);
    expect(run.steps[0]).toMatchObject({ status: "failed", error: { code: "line_text_length" } });
    expect(line.received.length).toBe(before);
  });

  it("is refused when saved without credentials", async () => {
    const created = await session.call("POST", "/v1/apps", {
      name: "line",
      channels: [{ channelId: "in" }],
      actions: [
        { actionId: "tell", channelId: "in", type: "line-notification", config: { to: "x", text: "y" } },
      ],
    });
    expect(created.status).toBe(400);
    expect(created.body.details[0].path).toBe("actions.0.config.credentialsId");
  });
});
