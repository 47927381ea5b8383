import { describe, expect, it } from "vitest";
import { useAiSuite } from "./ai-fixture.ts";
import { providerSession } from "./provider-session.ts";

const suite = useAiSuite();

async function setRateLimits(rateLimits: Record<string, number>) {
  const provider = await providerSession(suite.conflux);
  const { body: settings } = await provider.call("GET", "/v1/provider/settings");
  const saved = await provider.call("PUT", "/v1/provider/settings", { ...settings, rateLimits });
  expect(saved.status, saved.text).toBe(200);
}

describe("the provider's rate limits", () => {
  it("rateLimits.aiRequestsPerMinute replaces the configured AI request limit of every operator", async () => {
    suite.standIn.answer = () => ({ text: "ok" });
    const ask = { type: "ai", config: { model: "openai/gpt-4.1-mini", prompt: "Hi" } };
    // The configured limit (120 a minute) lets these through.
    expect(await suite.runOne(ask, {})).toMatchObject({ status: "completed" });
    expect(await suite.runOne(ask, {})).toMatchObject({ status: "completed" });
    await setRateLimits({ aiRequestsPerMinute: 3 });
    expect(await suite.runOne(ask, {})).toMatchObject({ status: "completed" });
    const limited = await suite.runOne(ask, {});
    expect(limited).toMatchObject({ status: "failed", error: { code: "rate_limited" } });
    expect(limited.error.message).toMatch(/the limit is 3 a minute; try again in \d+ s/);
  });

  it("rateLimits.apiCallsPerMinute replaces the configured limit of API calls per group", async () => {
    const before = await suite.session.call("GET", "/v1/credentials");
    expect(before.status).toBe(200);
    await setRateLimits({ apiCallsPerMinute: 2 });
    // The window of the Credential group counted the call before: one more passes.
    const last = await suite.session.call("GET", "/v1/credentials");
    expect(last.status).toBe(200);
    const refused = await suite.session.call("GET", "/v1/credentials");
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: "rate_limited" });
    expect(refused.body.message).toMatch(/the limit is 2 a minute/);
    await setRateLimits({});
    expect((await suite.session.call("GET", "/v1/credentials")).status).toBe(200);
  });
});
