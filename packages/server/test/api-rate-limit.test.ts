import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/conflux.ts";
import { type ApiSession, signUp, useSuite } from "./harness.ts";

// Routes of two API groups: AuditLog (GET /v1/audit_logs/api) and the AI group (GET /v1/ai/models).
const suite = useSuite({ limits: { apiCallsPerMinute: 3 } });

async function get(session: ApiSession, url: string) {
  const answer = await fetch(`${suite.conflux.url}${url}`, { headers: session.headers });
  return { status: answer.status, headers: answer.headers, body: (await answer.json()) as any };
}

function rateHeaders(headers: Headers) {
  return {
    limit: headers.get("x-conflux-ratelimit-limit"),
    remaining: headers.get("x-conflux-ratelimit-remaining"),
    reset: Number(headers.get("x-conflux-ratelimit-reset")),
  };
}

describe("the API rate limit per operator and API group", () => {
  it("says where the count stands on every answer and refuses past the limit with 429 and Retry-After", async () => {
    const startedSeconds = Date.now() / 1_000;
    const answers = [];
    for (let call = 0; call < 4; call++) answers.push(await get(suite.session, "/v1/audit_logs/api"));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((answer) => rateHeaders(answer.headers).remaining)).toEqual(["2", "1", "0", "0"]);
    for (const answer of answers) {
      const { limit, reset } = rateHeaders(answer.headers);
      expect(limit).toBe("3");
      expect(reset).toBeGreaterThan(startedSeconds);
      expect(reset).toBeLessThanOrEqual(Math.ceil(startedSeconds) + 61);
    }
    const refused = answers[3];
    expect(refused?.body).toEqual({
      code: "rate_limited",
      message: expect.stringMatching(/too many AuditLog calls: the limit is 3 a minute; try again in \d+ s/),
    });
    const retryAfter = Number(refused?.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it("counts another API group and another operator apart", async () => {
    const models = await get(suite.session, "/v1/ai/models");
    expect(models.status).toBe(200);
    expect(rateHeaders(models.headers).remaining).toBe("2");
    const other = await signUp(suite.conflux.url);
    const otherAudit = await get(other, "/v1/audit_logs/api");
    expect(otherAudit.status).toBe(200);
    expect(rateHeaders(otherAudit.headers).remaining).toBe("2");
  });

  it("does not count messages to api sources: ingest is not an API group", async () => {
    const created = await suite.session.call("POST", "/v1/apps", {
      name: "ingest",
      channels: [{ channelId: "in" }],
      actions: [],
    });
    expect(created.status, created.text).toBe(201);
    for (let message = 0; message < 5; message++) {
      const answer = await fetch(`${suite.conflux.url}/v1/apps/${created.body.appId}/channels/in/messages`, {
        method: "POST",
        headers: { ...suite.session.headers, "content-type": "application/json" },
        body: JSON.stringify({ message }),
      });
      expect(answer.status).toBe(202);
      expect(answer.headers.get("x-conflux-ratelimit-limit")).toBeNull();
    }
  });

  it("does not count calls that are not authenticated", async () => {
    const answer = await fetch(`${suite.conflux.url}/v1/audit_logs/api`);
    expect(answer.status).toBe(401);
    expect(answer.headers.get("x-conflux-ratelimit-limit")).toBeNull();
  });
});

describe("the API rate limit's configuration", () => {
  it("allows 600 calls a minute per group unless CONFLUX_API_RATE_LIMIT_PER_MINUTE says otherwise", () => {
    expect(loadConfig({}).limits.apiCallsPerMinute).toBe(600);
    expect(loadConfig({ CONFLUX_API_RATE_LIMIT_PER_MINUTE: "1200" }).limits.apiCallsPerMinute).toBe(1_200);
    expect(() => loadConfig({ CONFLUX_API_RATE_LIMIT_PER_MINUTE: "0" })).toThrow();
  });
});
