import { ulid } from "ulid";
import { describe, expect, it } from "vitest";
import { type ApiSession, signUp, useSuite, waitForRun } from "./harness.ts";

interface StreamEvent {
  event: string;
  data: any;
}

/** Reads a text/event-stream response to its end, as the studio does: fetch with the auth headers. */
async function readStream(response: Response): Promise<StreamEvent[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.startsWith("event: "))
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      return { event: eventLine?.slice(7) ?? "", data: JSON.parse(dataLine?.slice(6) ?? "null") };
    });
}

function follow(session: ApiSession, baseUrl: string, appId: string, runId: string) {
  return fetch(`${baseUrl}/v1/apps/${appId}/runs/${runId}/events`, { headers: session.headers });
}

const suite = useSuite();

async function createChainApp(sinkUrl: string): Promise<string> {
  const created = await suite.session.call("POST", "/v1/apps", {
    name: "stream",
    channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }, { channelId: "next" }],
    actions: [
      {
        actionId: "post",
        channelId: "in",
        type: "webhook",
        config: { url: `${sinkUrl}/slow` },
        output: { enabled: true, channelId: "next" },
      },
      { actionId: "copy", channelId: "next", type: "republish", config: {} },
    ],
  });
  expect(created.status).toBe(201);
  return created.body.appId;
}

describe("the live run stream", () => {
  it("sends the run so far, then each step as it happens, then the end", async () => {
    suite.sink.reply = () => ({ status: 200, body: "{}", delayMs: 400 });
    const appId = await createChainApp(suite.sinkUrl);
    const sent = await suite.session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { t: 1 });
    const runId = sent.body.executionId;
    const response = await follow(suite.session, suite.conflux.url, appId, runId);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = await readStream(response);

    expect(events[0]).toMatchObject({ event: "run", data: { runId, status: "running", channelId: "in" } });
    const steps = events.filter((event) => event.event === "step").map((event) => event.data);
    // The webhook waits 400 ms at the sink, so nothing was stored when the stream began: every step is live.
    expect(events[0]?.data.steps).toEqual([]);
    const post = steps.filter((step) => step.actionId === "post").map((step) => step.status);
    expect(post.at(-1)).toBe("completed");
    expect(post.every((status) => status === "running" || status === "completed")).toBe(true);
    expect(steps.some((step) => step.actionId === "copy" && step.status === "completed")).toBe(true);
    expect(events.at(-1)).toEqual({ event: "end", data: { runId, status: "completed" } });
    const stored = await waitForRun(suite.session, appId, runId);
    expect(stored.steps).toHaveLength(2);
  });

  it("of a finished run sends its whole history and ends at once", async () => {
    suite.sink.reply = () => ({ status: 500, body: "down" });
    const appId = await createChainApp(suite.sinkUrl);
    const runId = (await suite.session.call("POST", `/v1/apps/${appId}/channels/in/messages`, {})).body
      .executionId;
    await waitForRun(suite.session, appId, runId);
    const events = await readStream(await follow(suite.session, suite.conflux.url, appId, runId));
    expect(events.map((event) => event.event)).toEqual(["run", "end"]);
    expect(events[0]?.data.steps).toEqual([
      expect.objectContaining({ actionId: "post", status: "failed", attempts: 3 }),
    ]);
    expect(events[1]?.data.status).toBe("failed");
  });

  it("is 404 for another operator's run and 401 without credentials", async () => {
    suite.sink.reply = () => ({ status: 200, body: "{}" });
    const appId = await createChainApp(suite.sinkUrl);
    const runId = (await suite.session.call("POST", `/v1/apps/${appId}/channels/in/messages`, {})).body
      .executionId;
    const other = await signUp(suite.conflux.url);
    const foreign = await follow(other, suite.conflux.url, appId, runId);
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as { code: string }).code).toBe("not_found");
    const anonymous = await fetch(`${suite.conflux.url}/v1/apps/${appId}/runs/${runId}/events`);
    expect(anonymous.status).toBe(401);
    const unknownRun = await follow(suite.session, suite.conflux.url, appId, "01NOSUCHRUN");
    expect(unknownRun.status).toBe(404);
  });

  it("finds a step stored by another process, which sends no event here, by re-reading the store", async () => {
    const appId = await createChainApp(suite.sinkUrl);
    const { bus } = suite.conflux.services;
    const executionId = ulid();
    const operatorId = suite.session.operatorId;
    // A job not due for an hour: this process's worker leaves it, as if another instance had claimed it.
    await bus.startExecution(
      {
        executionId,
        operatorId,
        appId,
        channelId: "next",
        eventType: "api",
        dedupeKey: null,
        replayOf: null,
      },
      {
        message: {
          messageId: executionId,
          executionId,
          operatorId,
          appId,
          channelId: "next",
          hop: 0,
          payload: { from: "elsewhere" },
          context: { eventType: "api" },
          parentStepId: null,
        },
        actionIds: ["copy"],
        availableAt: Date.now() + 3_600_000,
      },
    );
    const reading = readStream(await follow(suite.session, suite.conflux.url, appId, executionId));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const job = {
      jobId: `${executionId}:copy`,
      operatorId,
      appId,
      executionId,
      messageId: executionId,
      actionId: "copy",
      attempts: 1,
      appVersion: null,
      retries: 0,
      retryUntil: null,
      destination: null,
    };
    const now = Date.now();
    await bus.complete(
      job,
      {
        stepId: job.jobId,
        executionId,
        messageId: executionId,
        channelId: "next",
        actionId: "copy",
        actionType: "republish",
        status: "completed",
        conditionValue: true,
        input: { from: "elsewhere" },
        result: { from: "elsewhere" },
        error: null,
        usage: null,
        attempts: 1,
        startedAt: now,
        finishedAt: now,
      },
      [],
    );
    const events = await reading;
    expect(events.map((event) => event.event)).toEqual(["run", "step", "end"]);
    expect(events[1]?.data).toMatchObject({ actionId: "copy", status: "completed" });
    expect(events[2]?.data.status).toBe("completed");
  });

  it("ends when the server stops, instead of holding the shutdown", async () => {
    suite.sink.reply = () => ({ status: 200, body: "{}", delayMs: 2_000 });
    const appId = await createChainApp(suite.sinkUrl);
    const before = suite.sink.received.length;
    const runId = (await suite.session.call("POST", `/v1/apps/${appId}/channels/in/messages`, {})).body
      .executionId;
    const response = await follow(suite.session, suite.conflux.url, appId, runId);
    const reading = readStream(response);
    await suite.sink.waitFor(before + 1);
    const started = Date.now();
    await suite.conflux.api.close();
    const events = await reading;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(events[0]?.event).toBe("run");
    expect(events.some((event) => event.event === "end")).toBe(false);
  });
});
