import { maxApiResponseBytes } from "@conflux/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresSchema } from "./databases.ts";
import { useSuite, waitForRun } from "./harness.ts";

/**
 * The `api` action end to end: Conflux's own API called as a user of the operator, with that user's
 * permissions (a token that lives for the call), never an Auth:* API, answers capped at 32,768 bytes.
 */

const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());

describe.each([
  ["SQLite", {}],
  ["PostgreSQL", postgres ? { database: postgres.database } : undefined],
] as const)("on %s", (_name, overrides) => {
  if (!overrides) return;
  const suite = useSuite(overrides);

  async function givePermission(userName: string, statements: unknown[]) {
    const users = suite.conflux.services.accountStore.forOperator(suite.session.operatorId);
    await users.createUser(userName, "the api action's user");
    await users.updateUser(userName, { permission: JSON.stringify({ statements }) });
  }

  beforeAll(async () => {
    await givePermission("reader", [{ effect: "allow", api: ["App:list*", "App:get*", "FileEntry:*"] }]);
    await givePermission("sender", [{ effect: "allow", api: "Message:sendMessage" }]);
    await givePermission("everything", [{ effect: "allow", api: "*" }]);
  });

  async function runApiAction(config: Record<string, unknown>, payload: unknown = {}) {
    const created = await suite.session.call("POST", "/v1/apps", {
      name: "calls the API",
      channels: [{ channelId: "in" }, { channelId: "relayed" }],
      actions: [{ actionId: "call", channelId: "in", type: "api", config }],
    });
    expect(created.status, created.text).toBe(201);
    const appId = created.body.appId;
    const sent = await suite.session.call("POST", `/v1/apps/${appId}/channels/in/messages`, payload);
    const run = await waitForRun(suite.session, appId, sent.body.executionId);
    return { appId, run, step: run.steps.find((step: { actionId: string }) => step.actionId === "call") };
  }

  describe("the api action", { timeout: 30_000 }, () => {
    it("calls an allowed API as its user, the path templated, and outputs the answer's body", async () => {
      const { appId, step } = await runApiAction(
        { userName: "reader", method: "GET", path: "/v1/apps/${payload.appId}" },
        { appId: "placeholder" },
      );
      // The first run read an app that does not exist: the API's 404 is the step's error.
      expect(step.status).toBe("failed");
      expect(step.error.code).toBe("not_found");
      const again = await suite.session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { appId });
      const run = await waitForRun(suite.session, appId, again.body.executionId);
      expect(run.steps[0].status, JSON.stringify(run.steps[0].error)).toBe("completed");
      expect(run.steps[0].result).toMatchObject({ appId, name: "calls the API" });
    });

    it("sends a templated JSON body", async () => {
      const target = await suite.session.call("POST", "/v1/apps", {
        name: "target",
        channels: [{ channelId: "in" }],
      });
      const { step } = await runApiAction(
        {
          userName: "sender",
          method: "POST",
          path: `/v1/apps/${target.body.appId}/channels/in/messages`,
          body: '{"relayed": ${payload.n}, "from": "api action"}',
        },
        { n: 7 },
      );
      expect(step.status, JSON.stringify(step.error)).toBe("completed");
      const relayed = await waitForRun(suite.session, target.body.appId, step.result.executionId);
      expect(relayed.messages[0].payload).toEqual({ relayed: 7, from: "api action" });
    });

    it("fails the step with the API's 403 when the user may not call it", async () => {
      const { step } = await runApiAction({
        userName: "reader",
        method: "POST",
        path: "/v1/apps",
        body: '{"name": "made by an app"}',
      });
      expect(step.status).toBe("failed");
      expect(step.error.code).toBe("forbidden");
      expect(step.error.message).toContain("App:createApp");
      expect(step.error.message).toContain("403");
      const apps = (await suite.session.call("GET", "/v1/apps")).body.items;
      expect(apps.map((app: { name: string }) => app.name)).not.toContain("made by an app");
    });

    it("refuses every Auth:* API, even to a user allowed everything", async () => {
      const { step } = await runApiAction({
        userName: "everything",
        method: "POST",
        path: "/v1/auth/logout",
      });
      expect(step.status).toBe("failed");
      expect(step.error).toMatchObject({ code: "api_not_allowed" });
      expect(step.error.message).toMatch(/^Auth:\w+ cannot be called from an app/);
    });

    it("runs as a user of the operator only: an unknown user fails, no token is left behind", async () => {
      const { step } = await runApiAction({ userName: "nobody", method: "GET", path: "/v1/apps" });
      expect(step.status).toBe("failed");
      expect(step.error.code).toBe("user_not_found");
      // Each call's token ended with it.
      const { store } = suite.conflux.services;
      expect(await store.deleteTokensOf(suite.session.operatorId, "reader")).toBe(0);
    });

    it("fails with response_too_large on an answer over 32,768 bytes, and takes one just under", async () => {
      const big = "x".repeat(maxApiResponseBytes + 1);
      const small = "y".repeat(maxApiResponseBytes - 100);
      for (const [name, content] of [
        ["big.txt", big],
        ["small.txt", small],
      ] as const)
        await fetch(`${suite.conflux.url}/v1/files/api-action/${name}`, {
          method: "PUT",
          headers: { ...suite.session.headers, "content-type": "text/plain" },
          body: content,
        });
      const tooLarge = await runApiAction({ userName: "reader", path: "/v1/files/api-action/big.txt" });
      expect(tooLarge.step.status).toBe("failed");
      expect(tooLarge.step.error.code).toBe("response_too_large");
      expect(tooLarge.step.error.message).toContain(`${maxApiResponseBytes + 1} bytes`);
      const fits = await runApiAction({ userName: "reader", path: "/v1/files/api-action/small.txt" });
      expect(fits.step.status, JSON.stringify(fits.step.error)).toBe("completed");
      expect(fits.step.result).toBe(small);
    });

    it("refuses on save a config without a user, or with a path outside the API", async () => {
      const refused = await suite.session.call("POST", "/v1/apps", {
        name: "bad",
        channels: [{ channelId: "in" }],
        actions: [{ actionId: "a", channelId: "in", type: "api", config: { path: "https://example.com/" } }],
      });
      expect(refused.status).toBe(400);
      expect(refused.body.details.map((detail: { path: string }) => detail.path).sort()).toEqual([
        "actions.0.config.path",
        "actions.0.config.userName",
      ]);
    });
  });
});
