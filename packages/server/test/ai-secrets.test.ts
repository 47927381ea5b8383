import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aiConfigFor, serviceKeys } from "./ai-fixture.ts";
import { AiStandIn } from "./ai-stand-in.ts";
import { type ApiSession, signUp, startTestConflux, waitForRun } from "./harness.ts";
import { captureLog } from "./log-capture.ts";

const { lines, destination: capture } = captureLog();
const standIn = new AiStandIn();
let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let session: ApiSession;
let standInUrl: string;
const responses: string[] = [];

beforeAll(async () => {
  standInUrl = await standIn.start();
  // The most talkative level: every request line, every retry, every failure.
  conflux = await startTestConflux({ logLevel: "trace", ai: aiConfigFor(standInUrl) }, capture);
  session = await signUp(conflux.url);
});

afterAll(async () => {
  await conflux?.cleanUp();
  await standIn.stop();
});

/** Every API answer of this test is kept, to be searched for the keys at the end. */
async function call(method: string, url: string, body?: unknown) {
  const answer = await session.call(method, url, body);
  responses.push(answer.text);
  return answer;
}

async function runOne(config: Record<string, unknown>) {
  const created = await call("POST", "/v1/apps", {
    name: "byo",
    channels: [{ channelId: "in" }],
    actions: [{ actionId: "a", channelId: "in", type: "ai", config }],
  });
  const sent = await call("POST", `/v1/apps/${created.body.appId}/channels/in/messages`, { temp: 4 });
  const run = await waitForRun(session, created.body.appId, sent.body.executionId);
  responses.push(JSON.stringify(run));
  await call("GET", `/v1/apps/${created.body.appId}/runs`);
  return run.steps[0];
}

describe("an operator's own AI key", () => {
  it("is used for its provider's requests and never shows in an API answer, the history, a prompt or the log", async () => {
    const openaiKey = "sk-byo-openai-secret-7f3a9c2e1b";
    const awsSecret = "byo-aws-secret-access-key-9d8c7b6a";
    expect(
      (
        await call("PUT", "/v1/credentials/mine", {
          type: "ai-provider-key",
          description: "our OpenAI key",
          credentials: { provider: "openai", apiKey: openaiKey, baseUrl: `${standInUrl}/openai/v1` },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call("PUT", "/v1/credentials/aws", {
          type: "ai-provider-key",
          credentials: {
            provider: "bedrock",
            accessKeyId: "AKIABYO0000000000000",
            secretAccessKey: awsSecret,
            region: "us-west-2",
            baseUrl: `${standInUrl}/bedrock`,
          },
        })
      ).status,
    ).toBe(200);
    const listed = await call("GET", "/v1/credentials");
    expect(listed.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ credentialsId: "mine", type: "ai-provider-key" })]),
    );

    // A provider that echoes the key in its error (as some do) must not carry it into the history.
    standIn.answer = () => ({
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${openaiKey}` } },
    });
    expect(
      await runOne({ model: "openai/gpt-4.1-mini", prompt: "Hi ${payload.temp}", credentialsId: "mine" }),
    ).toMatchObject({
      status: "failed",
      error: { code: "ai_unauthorized" },
    });
    standIn.answer = () => ({
      status: 400,
      body: { error: { message: `bad request for key ${openaiKey}` } },
    });
    const refused = await runOne({ model: "openai/gpt-4.1-mini", prompt: "Hi", credentialsId: "mine" });
    expect(refused).toMatchObject({ status: "failed", error: { code: "ai_request_refused" } });
    expect(refused.error.message).toContain("[redacted]");

    standIn.answer = () => ({ text: "fine" });
    const before = standIn.received.length;
    expect(await runOne({ model: "openai/gpt-4.1-mini", prompt: "Hi", credentialsId: "mine" })).toMatchObject(
      {
        status: "completed",
        result: { usage: { credits: 0 } },
      },
    );
    expect(
      await runOne({ model: "bedrock/amazon.nova-micro-v1:0", prompt: "Hi", credentialsId: "aws" }),
    ).toMatchObject({
      status: "completed",
    });
    const [openaiRequest, bedrockRequest] = standIn.received.slice(before);
    expect(openaiRequest?.headers.authorization).toBe(`Bearer ${openaiKey}`);
    expect(bedrockRequest?.headers.authorization).toMatch(
      /Credential=AKIABYO0000000000000\/\d{8}\/us-west-2\//,
    );

    const everything = [
      lines.join(""),
      responses.join("\n"),
      ...standIn.received.map((request) => request.raw),
    ];
    expect(lines.length).toBeGreaterThan(10);
    for (const text of everything)
      for (const secret of [openaiKey, awsSecret, ...Object.values(serviceKeys)])
        expect(text).not.toContain(secret);
  });

  it("of the wrong type is refused when stored", async () => {
    const refused = await call("PUT", "/v1/credentials/bad", {
      type: "ai-provider-key",
      credentials: { provider: "azure", apiKey: "k" },
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("baseUrl");
  });
});
