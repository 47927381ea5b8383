import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsStandIn } from "./aws-stand-in.ts";
import { createServiceAccount, GoogleStandIn } from "./google-stand-in.ts";
import { type ApiSession, signUp, startTestConflux, waitForRun } from "./harness.ts";
import { captureLog } from "./log-capture.ts";

const aws = new AwsStandIn();
const google = new GoogleStandIn();
const { lines: logLines, destination } = captureLog();
let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let session: ApiSession;
let awsUrl = "";
let googleUrl = "";

const awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const sessionToken = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN";
const account = createServiceAccount("alerts@conflux-test.iam.gserviceaccount.com");
const stranger = createServiceAccount("stranger@conflux-test.iam.gserviceaccount.com");

beforeAll(async () => {
  awsUrl = await aws.start();
  googleUrl = await google.start();
  aws.keys.set("AKIDEXAMPLE", { secretAccessKey: awsSecret });
  aws.keys.set("ASIATEMPORARY", { secretAccessKey: awsSecret, sessionToken });
  google.accounts.set(account.clientEmail, account.publicKey);
  conflux = await startTestConflux({ logLevel: "debug" }, destination);
  session = await signUp(conflux.url);
  const put = (id: string, body: unknown) => session.call("PUT", `/v1/credentials/${id}`, body);
  const awsCredentials = {
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: awsSecret,
    region: "ap-northeast-1",
    service: "execute-api",
  };
  expect((await put("aws", { type: "aws", credentials: awsCredentials })).status).toBe(200);
  await put("aws-temporary", {
    type: "aws",
    credentials: { ...awsCredentials, accessKeyId: "ASIATEMPORARY", sessionToken },
  });
  await put("aws-wrong", {
    type: "aws",
    credentials: { ...awsCredentials, secretAccessKey: "not-the-secret" },
  });
  const keyFile = (who: typeof account) => ({
    type: "service_account",
    project_id: "conflux-test",
    private_key_id: "0123456789abcdef",
    private_key: who.privateKeyPem,
    client_email: who.clientEmail,
    client_id: "1234567890",
    token_uri: google.tokenUri,
  });
  expect(
    (await put("google", { type: "google-service-account-json", credentials: keyFile(account) })).status,
  ).toBe(200);
  await put("google-unknown", { type: "google-service-account-json", credentials: keyFile(stranger) });
});

afterAll(async () => {
  await conflux?.cleanUp();
  await aws.stop();
  await google.stop();
});

async function call(config: Record<string, unknown>, payload: unknown = { temp: 9.5 }) {
  const created = await session.call("POST", "/v1/apps", {
    name: "cloud",
    channels: [{ channelId: "in" }],
    actions: [{ actionId: "hook", channelId: "in", type: "webhook", config }],
  });
  expect(created.status, created.text).toBe(201);
  const sent = await session.call("POST", `/v1/apps/${created.body.appId}/channels/in/messages`, payload);
  const run = await waitForRun(session, created.body.appId, sent.body.executionId);
  return { run, step: run.steps[0], executionId: sent.body.executionId as string };
}

describe("webhook auth by AWS Signature Version 4", () => {
  it("signs method, path, query, headers and body so that the receiver's own check passes", async () => {
    const { step, executionId } = await call(
      {
        url: `${awsUrl}/prod/readings%20today?b=2&a=1&a=0&note=\${payload.note}`,
        headers: { "x-site": "Osaka" },
        body: { mode: "json", content: '{"temp": ${payload.temp}}' },
        auth: { type: "aws-sigv4", credentialsId: "aws" },
      },
      { temp: 9.5, note: "a b/c" },
    );
    expect(step, JSON.stringify(step.error)).toMatchObject({ status: "completed", result: { status: 200 } });
    const verified = aws.verified.at(-1);
    expect(verified).toMatchObject({
      method: "POST",
      accessKeyId: "AKIDEXAMPLE",
      region: "ap-northeast-1",
      service: "execute-api",
      body: '{"temp":9.5}',
    });
    expect(verified?.headers["x-site"]).toBe("Osaka");
    // The idempotency key is sent, and signed with the rest.
    expect(verified?.headers["idempotency-key"]).toBe(`${executionId}:hook`);
    expect(String(verified?.headers.authorization)).toMatch(/SignedHeaders=[^,]*idempotency-key/);
  });

  it("sends a temporary key's session token, and signs a GET without a body", async () => {
    const { step } = await call({
      method: "GET",
      url: `${awsUrl}/prod/devices`,
      auth: { type: "aws-sigv4", credentialsId: "aws-temporary" },
    });
    expect(step.status).toBe("completed");
    expect(aws.verified.at(-1)?.headers["x-amz-security-token"]).toBe(sessionToken);
  });

  it("fails without retrying when AWS refuses the signature (a wrong secret)", async () => {
    const refusedBefore = aws.refused.length;
    const { step, run } = await call({
      url: `${awsUrl}/prod/x`,
      auth: { type: "aws-sigv4", credentialsId: "aws-wrong" },
    });
    expect(step).toMatchObject({ status: "failed", attempts: 1, error: { code: "http_status" } });
    expect(aws.refused.slice(refusedBefore)).toEqual([
      "The request signature we calculated does not match the signature you provided.",
    ]);
    expect(JSON.stringify(run)).not.toContain("not-the-secret");
  });

  it("says so when the credentials are of another type", async () => {
    const { step } = await call({
      url: `${awsUrl}/prod/x`,
      auth: { type: "aws-sigv4", credentialsId: "google" },
    });
    expect(step).toMatchObject({
      status: "failed",
      error: { code: "credentials_type", message: "credentials 'google' are not aws credentials" },
    });
  });
});

describe("webhook auth by Google service account", () => {
  it("exchanges a signed JWT for an access token, sends it as bearer, and reuses it until it nears expiry", async () => {
    const exchangesBefore = google.exchanges.length;
    const first = await call({
      url: `${googleUrl}/api/v1/projects/conflux-test/topics/alerts:publish`,
      auth: {
        type: "google-service-account",
        credentialsId: "google",
        scopes: ["https://www.googleapis.com/auth/pubsub"],
      },
    });
    expect(first.step, JSON.stringify(first.step.error)).toMatchObject({
      status: "completed",
      result: { status: 200 },
    });
    expect(google.exchanges.slice(exchangesBefore)).toEqual([
      expect.objectContaining({
        iss: account.clientEmail,
        aud: google.tokenUri,
        scope: "https://www.googleapis.com/auth/pubsub",
      }),
    ]);
    const second = await call({
      url: `${googleUrl}/api/v1/projects/conflux-test/topics/alerts:publish`,
      auth: {
        type: "google-service-account",
        credentialsId: "google",
        scopes: ["https://www.googleapis.com/auth/pubsub"],
      },
    });
    expect(second.step.status).toBe("completed");
    expect(google.exchanges.length).toBe(exchangesBefore + 1);
    const [a, b] = google.apiRequests.slice(-2).map((request) => request.headers.authorization);
    expect(a).toMatch(/^Bearer ya29\./);
    expect(b).toBe(a);
    // Another scope is another token.
    await call({
      url: `${googleUrl}/api/other`,
      auth: { type: "google-service-account", credentialsId: "google" },
    });
    expect(google.exchanges.at(-1)?.scope).toBe("https://www.googleapis.com/auth/cloud-platform");
    expect(google.exchanges.length).toBe(exchangesBefore + 2);
  });

  it("asks for a new token when the cached one expires within a minute", async () => {
    google.expiresIn = 30;
    try {
      const before = google.exchanges.length;
      const auth = { type: "google-service-account", credentialsId: "google", scopes: ["short"] };
      expect((await call({ url: `${googleUrl}/api/a`, auth })).step.status).toBe("completed");
      expect((await call({ url: `${googleUrl}/api/b`, auth })).step.status).toBe("completed");
      expect(google.exchanges.length).toBe(before + 2);
    } finally {
      google.expiresIn = 3_599;
    }
  });

  it("fails with the token endpoint's answer when Google does not know the key", async () => {
    const { step } = await call({
      url: `${googleUrl}/api/x`,
      auth: { type: "google-service-account", credentialsId: "google-unknown" },
    });
    expect(step).toMatchObject({ status: "failed", attempts: 1, error: { code: "google_token_refused" } });
    expect(step.error.message).toBe(
      "Google's token endpoint answered HTTP 400: invalid_grant: Invalid JWT: no such service account",
    );
  });

  it("keeps the key and the tokens out of the history, the credentials listing and the log", async () => {
    const { run } = await call({
      url: `${googleUrl}/api/y`,
      auth: { type: "google-service-account", credentialsId: "google" },
    });
    const token = String(google.apiRequests.at(-1)?.headers.authorization).slice("Bearer ".length);
    const listing = await session.call("GET", "/v1/credentials");
    expect(listing.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ credentialsId: "google", type: "google-service-account-json" }),
        expect.objectContaining({ credentialsId: "aws", type: "aws" }),
      ]),
    );
    const privateKeyBody = account.privateKeyPem.split("\n")[5] as string;
    for (const text of [JSON.stringify(run), listing.text, logLines.join("")]) {
      expect(text).not.toContain(privateKeyBody);
      expect(text).not.toContain(token);
      expect(text).not.toContain(awsSecret);
    }
  });
});
