import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiSession, signUp, startTestConflux } from "./harness.ts";

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let session: ApiSession;

beforeAll(async () => {
  conflux = await startTestConflux();
  session = await signUp(conflux.url);
});

afterAll(async () => {
  await conflux?.cleanUp();
});

describe("the credentials listing", () => {
  it("names the provider of an AI provider key, and no secret value", async () => {
    const apiKey = "sk-listed-openai-secret-4e2d";
    const put = async (id: string, body: unknown) =>
      expect((await session.call("PUT", `/v1/credentials/${id}`, body)).status).toBe(200);
    await put("openai-key", { type: "ai-provider-key", credentials: { provider: "openai", apiKey } });
    await put("aws-key", {
      type: "ai-provider-key",
      credentials: {
        provider: "bedrock",
        accessKeyId: "AKIA1",
        secretAccessKey: "aws-secret",
        region: "eu-west-1",
      },
    });
    await put("webhook", { type: "api-token", credentials: { token: "hook-token" } });

    const listed = await session.call("GET", "/v1/credentials");
    expect(listed.status).toBe(200);
    const byId = Object.fromEntries(
      (listed.body as { credentialsId: string }[]).map((credential) => [
        credential.credentialsId,
        credential,
      ]),
    );
    expect(byId["openai-key"]).toMatchObject({ type: "ai-provider-key", provider: "openai" });
    expect(byId["aws-key"]).toMatchObject({ type: "ai-provider-key", provider: "bedrock" });
    // Only AI provider keys have a provider.
    expect(byId.webhook).not.toHaveProperty("provider");
    for (const secret of [apiKey, "aws-secret", "hook-token"]) expect(listed.text).not.toContain(secret);
  });
});
