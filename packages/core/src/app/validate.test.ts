import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { validateApp } from "./validate.ts";

const example = JSON.parse(
  readFileSync(new URL("../../../../docs/examples/cold-chain-alert.json", import.meta.url), "utf8"),
);

function withChange(change: (app: any) => void) {
  const app = structuredClone(example);
  change(app);
  return validateApp(app);
}

describe("validateApp", () => {
  it("accepts the documented Flux-shaped example and fills in defaults", () => {
    const result = validateApp(example);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.app.actions[1]).toMatchObject({
      type: "webhook",
      output: { enabled: false, delaySeconds: 0 },
    });
    expect(result.app.actions[1]?.config).toMatchObject({
      method: "POST",
      body: { mode: "forward" },
      auth: { type: "none" },
    });
  });

  it("keeps fields it does not know, so a Flux export survives a round trip", () => {
    const result = withChange((app) => {
      app.actions[0].config.futureFlag = true;
    });
    expect(
      result.ok && (result.app.actions[0]?.config as Record<string, unknown> | undefined)?.futureFlag,
    ).toBe(true);
  });

  it("lists every problem at once: shape and expression problems with dangling channel ids", () => {
    const result = withChange((app) => {
      app.actions[0].condition = "payload.temp >";
      app.actions[1].channelId = "nowhere";
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.path)).toEqual([
      "actions.0.condition",
      "actions.1.channelId",
    ]);
  });

  it("takes SORACOM Flux's action types and config shapes, and keeps a config as it came", () => {
    const result = withChange((app) => {
      app.actions[1] = {
        actionId: "slack",
        channelId: app.actions[1].channelId,
        type: "slack-notification",
        config: { url: "https://hooks.slack.com/services/T/B/x", payload: { text: "${payload.temp}" } },
      };
      app.actions.push({
        actionId: "look",
        channelId: app.actions[1].channelId,
        type: "object-detection",
        config: { payload: { imageUrl: "${payload.url}" } },
      });
    });
    expect(result.ok && result.app.actions.map((action) => action.config)).toEqual([
      expect.anything(),
      { url: "https://hooks.slack.com/services/T/B/x", payload: { text: "${payload.temp}" } },
      { payload: { imageUrl: "${payload.url}" } },
    ]);
    const both = withChange((app) => {
      app.actions[1] = {
        actionId: "look",
        channelId: app.actions[1].channelId,
        type: "object-detection",
        config: { imageUrl: "/a.jpg", payload: { imageUrl: "/b.jpg" } },
      };
    });
    expect(both.ok || both.problems[0]?.message).toBe(
      "config.imageUrl of action 'look': give the image as imageUrl or as payload.imageUrl (one of them)",
    );
  });

  it("names the action, the field and the column of a condition's syntax error", () => {
    const result = withChange((app) => {
      app.actions[0].condition = "payload.temp >> 8";
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]).toMatchObject({ path: "actions.0.condition", column: 15 });
    expect(result.problems[0]?.message).toMatch(/^condition of action 'Too warm\?': .*column 15/);
  });

  it("checks JSON transforms as JSON templates", () => {
    const result = withChange((app) => {
      app.actions[0].output.transform.content = '{"a": ${payload.}}';
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.path).toBe("actions.0.output.transform.content");
  });

  it("refuses dangling and duplicate ids", () => {
    const dangling = withChange((app) => {
      app.actions[1].channelId = "gone";
      app.channels.push({ ...app.channels[0] });
    });
    expect(dangling.ok).toBe(false);
    if (dangling.ok) return;
    const messages = dangling.problems.map((problem) => problem.message);
    expect(messages).toContain("channel id 'readings' is used twice");
    expect(messages).toContain("channelId of action 'Notify the warehouse': no channel 'gone' in this app");
  });

  it("refuses an enabled output without a channel, a delay over 900 s and a bad cron", () => {
    const result = withChange((app) => {
      app.actions[0].output = { enabled: true, delaySeconds: 901 };
      app.channels[1].eventSource = {
        type: "scheduled-timer",
        config: { cron: "61 * * * *", timezone: "Mars/Olympus" },
      };
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((problem) => problem.path);
    expect(paths).toEqual(
      expect.arrayContaining(["actions.0.output.delaySeconds", "channels.1.eventSource.config.timezone"]),
    );
  });

  it("accepts action types Conflux knows from Flux but cannot run yet, and refuses unknown ones", () => {
    const planned = withChange((app) => {
      app.actions[1] = { actionId: "notify", channelId: "alerts", type: "line", config: { to: "x" } };
    });
    expect(planned.ok).toBe(true);
    const unknown = withChange((app) => {
      app.actions[1].type = "teleport";
    });
    expect(unknown.ok).toBe(false);
  });

  it("enforces the plan's number of actions", () => {
    const result = validateApp(example, { maxActions: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.message).toBe("an app has at most 1 actions on this plan");
  });
});
