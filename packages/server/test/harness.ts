import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DestinationStream } from "pino";
import { afterAll, beforeAll } from "vitest";
import { type ConfigInput, type Conflux, loadConfig, startConflux } from "../src/conflux.ts";
import { createLogger } from "../src/logging/logger.ts";
import { HttpSink } from "./http-sink.ts";

/** A Conflux on a random port with its own data folder, tuned so retries and polls are quick. */
export async function startTestConflux(
  overrides: ConfigInput = {},
  logDestination?: DestinationStream,
): Promise<Conflux & { dataDir: string; cleanUp(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "conflux-test-"));
  const config = loadConfig(
    {},
    {
      dataDir,
      port: 0,
      logLevel: "silent",
      outbound: { allowPrivateAddresses: true },
      runtime: { concurrency: 64, maxTries: 3, retryBaseMs: 20, leaseMs: 30_000, pollMs: 20 },
      // Device listeners on free ports, so suites run side by side.
      devices: { mqttPort: 0, socketPort: 0 },
      // The provider's administrator of every test Conflux (test/provider-session.ts signs in as it).
      provider: { adminEmail: testProviderAdminEmail, adminPassword: testPassword },
      ...overrides,
      // Suites poll runs every 25 ms as one operator; only the rate limit's own suites set a real limit.
      limits: { apiCallsPerMinute: 1_000_000, ...overrides.limits },
    },
  );
  const conflux = await startConflux(config, createLogger(config, logDestination));
  return {
    ...conflux,
    dataDir,
    async cleanUp() {
      await conflux.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiSession {
  operatorId: string;
  /** The API key and token headers, for requests made without `call`. */
  headers: Record<string, string>;
  call(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; text: string }>;
}

export const testPassword = "correct horse battery staple";
export const testProviderAdminEmail = "admin@provider.test";

/** Logs in as an existing operator: every call carries its API key and token. */
export async function logIn(baseUrl: string, email: string): Promise<ApiSession> {
  const response = await fetch(`${baseUrl}/v1/auth`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: testPassword }),
  });
  if (response.status !== 200) throw new Error(`log-in failed: ${response.status} ${await response.text()}`);
  return sessionFor(
    baseUrl,
    (await response.json()) as { apiKey: string; token: string; operatorId: string },
  );
}

/** A session from an answer of POST /v1/auth: every call carries its API key and token. */
export function sessionFor(
  baseUrl: string,
  auth: { apiKey: string; token: string; operatorId: string },
): ApiSession {
  const authHeaders = { "x-conflux-api-key": auth.apiKey, "x-conflux-token": auth.token };
  return {
    operatorId: auth.operatorId,
    headers: authHeaders,
    async call(method, url, body, headers = {}) {
      const isText = typeof body === "string";
      const answer = await fetch(`${baseUrl}${url}`, {
        method,
        headers: {
          ...authHeaders,
          ...(body === undefined ? {} : { "content-type": isText ? "text/plain" : "application/json" }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: isText ? body : JSON.stringify(body) }),
      });
      const text = await answer.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: answer.status, body: parsed, text };
    },
  };
}

/** Signs up a fresh operator and logs in. */
export async function signUp(
  baseUrl: string,
  email = `user-${Math.random().toString(36).slice(2)}@example.com`,
): Promise<ApiSession> {
  const created = await fetch(`${baseUrl}/v1/operators`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: testPassword }),
  });
  if (created.status !== 201) throw new Error(`sign-up failed: ${created.status} ${await created.text()}`);
  return logIn(baseUrl, email);
}

/** Polls a run until it is no longer running. */
export async function waitForRun(
  session: ApiSession,
  appId: string,
  runId: string,
  timeoutMs = 20_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await session.call("GET", `/v1/apps/${appId}/runs/${runId}`);
    if (body.status !== "running") return body;
    if (Date.now() > deadline) throw new Error(`run ${runId} still running: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface Suite {
  conflux: Awaited<ReturnType<typeof startTestConflux>>;
  sink: HttpSink;
  sinkUrl: string;
  session: ApiSession;
}

/** A suite's server, a webhook sink and a signed-up operator: set up before its tests, torn down after. */
export function useSuite(overrides: ConfigInput = {}): Suite {
  const suite = { sink: new HttpSink() } as Suite;
  beforeAll(async () => {
    suite.conflux = await startTestConflux(overrides);
    suite.sinkUrl = await suite.sink.start();
    suite.session = await signUp(suite.conflux.url);
  });
  afterAll(async () => {
    await suite.conflux?.cleanUp();
    await suite.sink.stop();
  });
  return suite;
}
