import { describe, expect, it } from "vitest";
import { aiConfigFor, createAskingApp, useAiSuite } from "./ai-fixture.ts";
import { AiStandIn } from "./ai-stand-in.ts";
import { signUp, startTestConflux, waitForRun } from "./harness.ts";

describe("the monthly AI credit quota", () => {
  // gpt-4.1-mini costs 1 credit, gpt-4.1 costs 5.
  const suite = useAiSuite((url) => aiConfigFor(url, { monthlyCredits: 3 }));

  it("lets requests through up to the quota, then fails with quota_exceeded without calling the provider", async () => {
    suite.standIn.answer = () => ({ text: "ok" });
    const ask = { type: "ai", config: { model: "openai/gpt-4.1-mini", prompt: "Hi" } };
    for (let run = 0; run < 3; run++)
      expect(await suite.runOne(ask, {})).toMatchObject({ status: "completed" });
    const before = suite.standIn.received.length;
    const refused = await suite.runOne({ ...ask, errorOutput: { enabled: true, channelId: "errors" } }, {});
    expect(refused).toMatchObject({ status: "failed", attempts: 1, error: { code: "quota_exceeded" } });
    expect(refused.error.message).toContain("quota (3)");
    expect(suite.standIn.received.length).toBe(before);
    // The error output carried the failure on, as for any action.
    const errorMessage = refused.run.messages.find((message: any) => message.channelId === "errors");
    expect(errorMessage.payload).toMatchObject({ code: "quota_exceeded" });

    const usage = await suite.session.call("GET", "/v1/usage");
    expect(usage.body).toMatchObject({
      aiCredits: { used: 3, serviceQuota: 3 },
      aiRequests: 3,
      aiInputTokens: 33,
    });
  });

  it("a model dearer than what is left is refused even when cheaper requests would still fit", async () => {
    const other = await signUp(suite.conflux.url);
    await suite.runOne({ type: "ai", config: { model: "openai/gpt-4.1-mini", prompt: "Hi" } }, {}, other);
    const step = await suite.runOne(
      { type: "ai", config: { model: "openai/gpt-4.1", prompt: "Hi" } },
      {},
      other,
    );
    expect(step).toMatchObject({ status: "failed", error: { code: "quota_exceeded" } });
    expect((await other.call("GET", "/v1/usage")).body.aiCredits.used).toBe(1);
  });

  it("can be capped lower by the operator itself, never raised above the service's", async () => {
    const capped = await signUp(suite.conflux.url);
    expect((await capped.call("PUT", "/v1/usage/quotas", { aiCredits: 1 })).body).toEqual({ aiCredits: 1 });
    const ask = { type: "ai", config: { model: "openai/gpt-4.1-mini", prompt: "Hi" } };
    expect(await suite.runOne(ask, {}, capped)).toMatchObject({ status: "completed" });
    expect(await suite.runOne(ask, {}, capped)).toMatchObject({
      status: "failed",
      error: { code: "quota_exceeded" },
    });
    expect((await capped.call("GET", "/v1/usage")).body.aiCredits).toEqual({
      used: 1,
      included: 0,
      quota: 1,
      serviceQuota: 3,
    });

    const raised = await capped.call("PUT", "/v1/usage/quotas", { aiCredits: 4 });
    expect(raised.status).toBe(400);
    expect(raised.body.message).toContain("at most the service's 3 a month");
    expect((await capped.call("PUT", "/v1/usage/quotas", { aiCredits: null })).body).toEqual({});
    expect(await suite.runOne(ask, {}, capped)).toMatchObject({ status: "completed" });
  });

  it("is counted per operator: another operator's spending does not use it up", async () => {
    const other = await signUp(suite.conflux.url);
    const step = await suite.runOne(
      { type: "ai", config: { model: "openai/gpt-4.1-mini", prompt: "Hi" } },
      {},
      other,
    );
    expect(step).toMatchObject({ status: "completed" });
  });

  it("does not apply to the operator's own key, whose requests cost no credits", async () => {
    const byoKey = "sk-operator-own-key-1111111111";
    const stored = await suite.session.call("PUT", "/v1/credentials/my-openai", {
      type: "ai-provider-key",
      credentials: { provider: "openai", apiKey: byoKey, baseUrl: `${suite.standInUrl}/openai/v1` },
    });
    expect(stored.status, stored.text).toBe(200);
    const before = suite.standIn.received.length;
    const step = await suite.runOne(
      { type: "ai", config: { model: "openai/gpt-4.1-mini", prompt: "Hi", credentialsId: "my-openai" } },
      {},
    );
    expect(step).toMatchObject({ status: "completed", result: { usage: { credits: 0 } } });
    expect(suite.standIn.received[before]?.headers.authorization).toBe(`Bearer ${byoKey}`);
    expect((await suite.session.call("GET", "/v1/usage")).body.aiCredits.used).toBe(3);
  });
});

describe("the AI request rate limit", () => {
  const suite = useAiSuite((url) => aiConfigFor(url, { requestsPerMinute: 2 }));

  it("fails requests over the per-minute limit with rate_limited, into the history and the error output", async () => {
    suite.standIn.answer = () => ({ text: "ok" });
    const ask = {
      type: "ai",
      config: { model: "openai/gpt-4.1-mini", prompt: "Hi" },
      errorOutput: { enabled: true, channelId: "errors" },
    };
    expect(await suite.runOne(ask, {})).toMatchObject({ status: "completed" });
    expect(await suite.runOne(ask, {})).toMatchObject({ status: "completed" });
    const before = suite.standIn.received.length;
    const limited = await suite.runOne(ask, {});
    expect(limited).toMatchObject({ status: "failed", attempts: 1, error: { code: "rate_limited" } });
    expect(limited.error.message).toMatch(/the limit is 2 a minute; try again in \d+ s/);
    expect(suite.standIn.received.length).toBe(before);
    const errorMessages = limited.run.messages.filter((message: any) => message.channelId === "errors");
    expect(errorMessages).toHaveLength(1);
    expect(errorMessages[0].payload).toMatchObject({ code: "rate_limited" });
  });
});

describe("a service without a key for a provider", () => {
  const suite = useAiSuite((url) => ({
    providers: { google: { baseUrl: `${url}/google/v1beta`, apiKey: "g-key" } },
  }));

  it("lists its models as unavailable and falls through to a model it can reach", async () => {
    const models = (await suite.session.call("GET", "/v1/ai/models")).body.items as {
      model: string;
      available: boolean;
    }[];
    expect(models.find((model) => model.model === "openai/gpt-4.1-mini")?.available).toBe(false);
    expect(models.find((model) => model.model === "google/gemini-2.5-flash")?.available).toBe(true);
    suite.standIn.answer = () => ({ text: "from Gemini" });
    const step = await suite.runOne(
      {
        type: "ai",
        config: { model: "openai/gpt-4.1-mini", fallbackModels: ["google/gemini-2.5-flash"], prompt: "Hi" },
      },
      {},
    );
    expect(step).toMatchObject({ status: "completed", result: { model: "google/gemini-2.5-flash" } });
    const alone = await suite.runOne(
      { type: "ai", config: { model: "openai/gpt-4.1-mini", prompt: "Hi" } },
      {},
    );
    expect(alone).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { code: "ai_provider_not_configured" },
    });
  });
});

describe("provider calls through the guarded client", () => {
  it("are refused for a provider URL on a private address unless the operator allows them", async () => {
    const standIn = new AiStandIn();
    const url = await standIn.start();
    const conflux = await startTestConflux({
      ai: aiConfigFor(url),
      outbound: { allowPrivateAddresses: false },
    });
    try {
      const session = await signUp(conflux.url);
      const created = await createAskingApp(session, "guarded");
      const sent = await session.call("POST", `/v1/apps/${created.body.appId}/channels/in/messages`, {});
      const run = await waitForRun(session, created.body.appId, sent.body.executionId);
      expect(run.steps[0]).toMatchObject({ status: "failed", error: { code: "outbound_blocked" } });
      expect(standIn.received).toHaveLength(0);
    } finally {
      await conflux.cleanUp();
      await standIn.stop();
    }
  });
});
