import { describe, expect, it } from "vitest";
import { useSuite, waitForRun } from "./harness.ts";

const suite = useSuite();

function definition(note: string) {
  return {
    name: "pinned",
    channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }, { channelId: "later" }],
    actions: [
      {
        actionId: "wait",
        channelId: "in",
        type: "republish",
        config: {},
        output: { enabled: true, channelId: "later", delaySeconds: 1 },
      },
      {
        actionId: "notify",
        channelId: "later",
        type: "webhook",
        config: { url: `${suite.sinkUrl}/pinned`, method: "POST", body: { mode: "text", content: note } },
      },
    ],
  };
}

describe("a run and the app version it started on", () => {
  it("finishes on its own version when the app is saved while a step waits out an output delay", async () => {
    const { session, sink } = suite;
    const created = await session.call("POST", "/v1/apps", definition("as started"));
    expect(created.status).toBe(201);
    const appId = created.body.appId;

    const sent = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { temp: 9 });
    expect(sent.status).toBe(202);
    // Saved while the output waits its second: the run keeps version 1, new runs take version 2.
    const saved = await session.call("PUT", `/v1/apps/${appId}`, definition("as edited"));
    expect(saved.body.version).toBe(2);

    const run = await waitForRun(session, appId, sent.body.executionId);
    expect(run).toMatchObject({ status: "completed", appVersion: 1 });
    const next = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { temp: 10 });
    expect((await waitForRun(session, appId, next.body.executionId)).appVersion).toBe(2);

    const bodies = sink.received
      .filter((request) => request.url === "/pinned")
      .map((request) => request.body);
    expect(bodies).toEqual(["as started", "as edited"]);
  });

  it("still runs a deleted action's pending step of a run that started before the delete", async () => {
    const { session, sink } = suite;
    const created = await session.call("POST", "/v1/apps", definition("before the delete"));
    const appId = created.body.appId;
    const sent = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, {});
    const withoutNotify = definition("");
    withoutNotify.actions = withoutNotify.actions.filter((action) => action.actionId !== "notify");
    expect((await session.call("PUT", `/v1/apps/${appId}`, withoutNotify)).status).toBe(200);

    const run = await waitForRun(session, appId, sent.body.executionId);
    expect(run.steps.map((step: any) => [step.actionId, step.status])).toEqual([
      ["wait", "completed"],
      ["notify", "completed"],
    ]);
    expect(sink.received.some((request) => request.body === "before the delete")).toBe(true);
  });
});
