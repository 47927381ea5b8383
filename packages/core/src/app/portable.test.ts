import { describe, expect, it } from "vitest";
import type { App } from "./model.ts";
import { findRedacted, redactConfig, redactedValue, toPortableApp, withFreshIds } from "./portable.ts";
import { validateApp } from "./validate.ts";

function appOf(definition: unknown): App {
  const validation = validateApp(definition);
  if (!validation.ok) throw new Error(JSON.stringify(validation.problems));
  return { ...validation.app, appId: "APP1", version: 3, createdAt: 1, updatedAt: 2 };
}

const twoChannels = {
  name: "loop",
  channels: [{ channelId: "in" }, { channelId: "errors" }],
  actions: [
    {
      actionId: "count",
      channelId: "in",
      type: "republish",
      config: { transform: { content: "${payload}" }, collectChannelId: "in", note: "in" },
      output: { enabled: true, channelId: "in" },
      errorOutput: { enabled: true, channelId: "errors" },
    },
    { actionId: "noop", channelId: "errors", type: "republish", config: {} },
  ],
};

describe("toPortableApp", () => {
  it("writes Flux's shape: appId on every part, no bookkeeping, no unused delay or error output", () => {
    const exported = toPortableApp(appOf(twoChannels)) as any;
    expect(Object.keys(exported)).toEqual(["appId", "name", "description", "tags", "channels", "actions"]);
    expect(exported.channels[0]).toEqual({
      channelId: "in",
      appId: "APP1",
      name: "",
      description: "",
      tags: {},
    });
    expect(Object.keys(exported.actions[1])).toEqual([
      "actionId",
      "appId",
      "channelId",
      "name",
      "description",
      "enabled",
      "condition",
      "output",
      "tags",
      "type",
      "config",
    ]);
    expect(exported.actions[1].output).toEqual({ enabled: false, splitArray: false });
    expect(exported.actions[0].errorOutput).toEqual({ enabled: true, channelId: "errors" });
  });

  it("redacts secrets unless asked: a Slack URL, secret-like keys, URLs that carry a password or token", () => {
    const app = appOf({
      name: "secrets",
      channels: [{ channelId: "in" }],
      actions: [
        {
          actionId: "slack",
          channelId: "in",
          type: "slack-notification",
          config: { url: "https://hooks.slack.com/services/T/B/x", payload: { text: "hi" } },
        },
        {
          actionId: "hook",
          channelId: "in",
          type: "webhook",
          config: {
            url: "https://api.example.com/in?api_key=abc",
            headers: { Authorization: "Bearer abc", "x-team": "ops" },
            auth: { type: "bearer", credentialsId: "vault" },
          },
        },
        {
          actionId: "plain",
          channelId: "in",
          type: "webhook",
          config: { url: "https://user:pw@api.example.com/in" },
        },
      ],
    });
    const exported = toPortableApp(app) as any;
    expect(exported.actions[0].config).toEqual({ url: redactedValue, payload: { text: "hi" } });
    expect(exported.actions[1].config).toEqual({
      url: redactedValue,
      headers: { Authorization: redactedValue, "x-team": "ops" },
      auth: { type: "bearer", credentialsId: "vault" },
    });
    expect(exported.actions[2].config.url).toBe(redactedValue);
    expect(redactConfig(app.actions[1] as App["actions"][number]).redacted).toEqual([
      "config.url",
      "config.headers.Authorization",
    ]);
    expect(findRedacted(exported.actions[1].config)).toEqual([["url"], ["headers", "Authorization"]]);
    expect((toPortableApp(app, { includeSecrets: true }) as any).actions[0].config.url).toBe(
      "https://hooks.slack.com/services/T/B/x",
    );
  });
});

describe("withFreshIds", () => {
  it("gives every channel and action a new id and re-links inputs, outputs, error outputs and …ChannelId keys", () => {
    let next = 0;
    const fresh = withFreshIds(appOf(twoChannels), () => `NEW${++next}`);
    expect(fresh.channels.map((channel) => channel.channelId)).toEqual(["NEW1", "NEW2"]);
    const [count, noop] = fresh.actions;
    expect(count).toMatchObject({
      actionId: "NEW3",
      channelId: "NEW1",
      output: { channelId: "NEW1" },
      errorOutput: { channelId: "NEW2" },
      // A key that names a channel is re-linked; free text that happens to read like an id is not.
      config: { collectChannelId: "NEW1", note: "in" },
    });
    expect(noop).toMatchObject({ actionId: "NEW4", channelId: "NEW2" });
    expect(validateApp(fresh).ok).toBe(true);
  });
});
