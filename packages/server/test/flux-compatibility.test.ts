import { readFileSync } from "node:fs";
import {
  defaultMaxMessageBytes,
  eventSourceSchema,
  isRunnableActionType,
  maxAiPromptChars,
  maxOutputDelaySeconds,
  maxWebhookResponseBytes,
  minIntervalMinutes,
  webhookTimeoutMs,
} from "@conflux/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/conflux.ts";
import { verifyAddresses } from "./account-mail.ts";
import { serveImage, testImage, useAiSuite } from "./ai-fixture.ts";
import { AwsStandIn } from "./aws-stand-in.ts";
import { fluxApp } from "./flux-fixture.ts";
import { createServiceAccount, GoogleStandIn } from "./google-stand-in.ts";
import { waitForRun } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";
import { LineStandIn } from "./line-stand-in.ts";
import { SmtpStandIn } from "./smtp-stand-in.ts";

// docs/flux-compatibility.md, kept true: its tables are read here and each row is checked.
const doc = readFileSync(new URL("../../../docs/flux-compatibility.md", import.meta.url), "utf8");

/** The rows of the table under `## heading`, as objects keyed by the header's cells. */
function tableUnder(heading: string): Record<string, string>[] {
  const section = doc.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  if (!section) throw new Error(`no section '${heading}' in docs/flux-compatibility.md`);
  const lines = section.split("\n").filter((line) => line.startsWith("|"));
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split("|")
      .map((cell) => cell.trim());
  const [header = [], , ...rows] = lines.map(cells);
  return rows.map((row) => Object.fromEntries(header.map((name, index) => [name, row[index] ?? ""])));
}

/** The text in the first backticks of a cell, or undefined for `—`. */
function code(cell: string | undefined): string | undefined {
  return /`([^`]+)`/.exec(cell ?? "")?.[1];
}

function numberIn(cell: string | undefined): number {
  const match = /[\d,]+/.exec(cell ?? "");
  if (!match) throw new Error(`no number in '${cell}'`);
  return Number(match[0].replaceAll(",", ""));
}

const isImportable = (row: Record<string, string>) => row.status === "same" || row.status === "differs";

const smtp = new SmtpStandIn();
const smtpPort = await smtp.start();
afterAll(() => smtp.stop());

const line = new LineStandIn();
const lineUserId = "U4af4980629a1b2c3d4e5f60718293a4b";
const lineUrl = await line.start();
afterAll(() => line.stop());
const aws = new AwsStandIn();
const awsUrl = await aws.start();
afterAll(() => aws.stop());
const google = new GoogleStandIn();
const googleUrl = await google.start();
afterAll(() => google.stop());

const suite = useAiSuite(undefined, {
  smtp: { host: "127.0.0.1", port: smtpPort, from: "c@conflux.test" },
  line: { apiUrl: lineUrl },
});
const sink = new HttpSink();
let sinkUrl = "";
beforeAll(async () => {
  sinkUrl = await sink.start();
  // The email action mails verified addresses only.
  await verifyAddresses(suite.session, smtp, ["ops@example.com"]);
});
afterAll(() => sink.stop());

/** Stores credentials as an operator does, by the API; their values stay on the server. */
async function putCredentials(id: string, body: Record<string, unknown>) {
  const stored = await suite.session.call("PUT", `/v1/credentials/${id}`, body);
  expect(stored.status, stored.text).toBe(200);
}

/** The imported app, and the run its message `{"temp": 9}` started. */
interface Ran {
  appId: string;
  runId: string;
  outputChannelId: string;
}

interface Check {
  config(): Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Whether the action outputs to a second channel (Flux's `output` with a `channelId`). */
  output?: boolean;
  /** What the step's result and the stand-in must show once the action ran on `{"temp": 9}`. */
  verify(step: any, ran: Ran): Promise<void> | void;
}

/** Polls the run until `found` picks something out of it, within a generous bound. */
async function waitInRun<T>(ran: Ran, found: (run: any) => T | undefined): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const run = await waitForRun(suite.session, ran.appId, ran.runId);
    const match = found(run);
    if (match !== undefined) return match;
    if (Date.now() > deadline) throw new Error(`not found in run ${ran.runId}: ${JSON.stringify(run)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * How each action the doc marks importable is run against a stand-in of its outside service, by the
 * doc's `Flux action` cell (the webhook's auth rows share the `webhook` type).
 */
const checks: Record<string, Check> = {
  Republish: {
    config: () => ({ transform: { contentType: "application/json", content: '{"t": ${payload.temp}}' } }),
    verify: (step) => expect(step.result).toEqual({ t: 9 }),
  },
  "Simple Object Detection": {
    async config() {
      suite.standIn.answer = () => ({
        text: JSON.stringify({
          objects: [{ class: "dog", score: 0.9, box: { x: 0, y: 0, width: 1, height: 1 } }],
        }),
      });
      return { payload: { imageUrl: serveImage(suite, await testImage(10, 10)) } };
    },
    verify: (step) => expect(step.result).toMatchObject({ dog: 1, person: 0 }),
  },
  "Slack Notification": {
    config: () => ({ url: `${sinkUrl}/services/T0/B0/slack`, payload: { text: "at ${payload.temp} C" } }),
    async verify() {
      const posted = (await sink.waitFor(1)).find((request) => request.url === "/services/T0/B0/slack");
      expect(JSON.parse(posted?.body ?? "")).toEqual({ text: "at 9 C" });
    },
  },
  "Email Notification": {
    config: () => ({ to: "ops@example.com", subject: "at ${payload.temp} C", body: "hot" }),
    verify(step) {
      expect(step.result.sent).toEqual({ to: ["ops@example.com"], cc: [] });
      expect(smtp.received.at(-1)?.data).toContain("Subject: at 9 C");
    },
  },
  AI: {
    config() {
      suite.standIn.answer = () => ({ text: "warm" });
      return { model: "openai/gpt-4.1-mini", prompt: "Is ${payload.temp} C warm?" };
    },
    verify: (step) => expect(step.result.output).toBe("warm"),
  },
  Webhook: {
    config: () => ({ url: `${sinkUrl}/hook` }),
    async verify(step) {
      expect(step.result.status).toBe(200);
      const hook = (await sink.waitFor(1)).find((request) => request.url === "/hook");
      expect(JSON.parse(hook?.body ?? "")).toEqual({ temp: 9 });
    },
  },
  "Webhook auth: AWS Signature V4": {
    async config() {
      aws.keys.set("AKIDFLUXCOMPAT", { secretAccessKey: "flux-compat-aws-secret" });
      await putCredentials("flux-aws", {
        type: "aws",
        credentials: {
          accessKeyId: "AKIDFLUXCOMPAT",
          secretAccessKey: "flux-compat-aws-secret",
          region: "ap-northeast-1",
          service: "execute-api",
        },
      });
      return { url: `${awsUrl}/prod/readings`, auth: { type: "aws-sigv4", credentialsId: "flux-aws" } };
    },
    verify(step) {
      expect(step.result.status).toBe(200);
      expect(aws.verified.at(-1)).toMatchObject({ accessKeyId: "AKIDFLUXCOMPAT", body: '{"temp":9}' });
    },
  },
  "Webhook auth: Google service account": {
    async config() {
      const account = createServiceAccount("flux-compat@conflux-test.iam.gserviceaccount.com");
      google.accounts.set(account.clientEmail, account.publicKey);
      await putCredentials("flux-google", {
        type: "google-service-account-json",
        credentials: {
          type: "service_account",
          project_id: "conflux-test",
          private_key_id: "0123456789abcdef",
          private_key: account.privateKeyPem,
          client_email: account.clientEmail,
          client_id: "1234567890",
          token_uri: google.tokenUri,
        },
      });
      return {
        url: `${googleUrl}/api/v1/projects/conflux-test/topics/alerts:publish`,
        auth: {
          type: "google-service-account",
          credentialsId: "flux-google",
          scopes: ["https://www.googleapis.com/auth/pubsub"],
        },
      };
    },
    verify(step) {
      expect(step.result.status).toBe(200);
      expect(google.exchanges.at(-1)?.iss).toBe("flux-compat@conflux-test.iam.gserviceaccount.com");
      expect(google.apiRequests.at(-1)?.body).toBe('{"temp":9}');
    },
  },
  "LINE Notification": {
    async config() {
      line.tokens.add("flux-compat-line-token");
      await putCredentials("flux-line", {
        type: "api-token",
        credentials: { token: "flux-compat-line-token" },
      });
      return { credentialsId: "flux-line", to: lineUserId, text: "at ${payload.temp} C" };
    },
    verify(step) {
      expect(step.result.status).toBe(200);
      expect(line.received.at(-1)?.headers.authorization).toBe("Bearer flux-compat-line-token");
      expect(line.delivered.at(-1)).toEqual({ to: lineUserId, text: "at 9 C" });
    },
  },
  Collect: {
    // A batch of one is full at once, so it goes to the output without waiting for the window.
    config: () => ({ count: 1, windowSeconds: 3_600 }),
    output: true,
    async verify(step, ran) {
      expect(step.result).toEqual({ collected: true });
      const batch = await waitInRun(ran, (run) =>
        run.messages.find((message: any) => message.channelId === ran.outputChannelId),
      );
      expect(batch).toMatchObject({ hop: 1, payload: { messages: [{ temp: 9 }] } });
    },
  },
  "SORACOM API": {
    async config() {
      const users = suite.conflux.services.accountStore.forOperator(suite.session.operatorId);
      await users.createUser("flux-api", "the SORACOM API action's least-privilege user");
      await users.updateUser("flux-api", {
        permission: JSON.stringify({ statements: [{ effect: "allow", api: "App:listApps" }] }),
      });
      return { userName: "flux-api", method: "GET", path: "/v1/apps" };
    },
    verify: (step, ran) =>
      expect(step.result.items.map((app: { appId: string }) => app.appId)).toContain(ran.appId),
  },
  "Write a file to the file store": {
    config: () => ({ path: "/flux/${payload.temp}.json" }),
    async verify(step) {
      expect(step.result).toMatchObject({ path: "/flux/9.json", contentType: "application/json" });
      const file = await suite.session.call("GET", "/v1/files/flux/9.json");
      expect(file.status).toBe(200);
      expect(file.body).toEqual({ temp: 9 });
    },
  },
};

async function importOne(action: Record<string, unknown>, output = false) {
  const app = fluxApp([" In", "Out"], ({ channelIds: [input, out] }) => [
    {
      channelId: input,
      name: "under test",
      ...(output && { output: { enabled: true, channelId: out, splitArray: false } }),
      ...action,
    },
  ]);
  const imported = await suite.session.call("POST", "/v1/apps/import", app);
  expect(imported.status, imported.text).toBe(201);
  return imported.body;
}

describe("docs/flux-compatibility.md", () => {
  const actions = tableUnder("Actions");

  it("marks importable exactly the actions this test can run", () => {
    const importable = actions.filter(isImportable).map((row) => row["Flux action"]);
    expect(importable.sort()).toEqual(Object.keys(checks).sort());
  });

  for (const row of actions.filter(isImportable)) {
    const type = code(row["type in an export"]) as string;
    it(`${row["Flux action"]}: '${type}' imports in Flux's shape and runs`, async () => {
      expect(isRunnableActionType(type)).toBe(true);
      const check = checks[row["Flux action"] as string] as Check;
      const app = await importOne({ type, config: await check.config() }, check.output);
      expect(app.notes.filter((note: any) => note.message.includes("cannot run"))).toEqual([]);
      const sent = await suite.session.call(
        "POST",
        `/v1/flux/apps/${app.appId}/channels/${app.channels[0].channelId}/messages`,
        { temp: 9 },
      );
      const run = await waitForRun(suite.session, app.appId, sent.body.executionId);
      expect(run.steps[0]?.status, JSON.stringify(run.steps[0]?.error)).toBe("completed");
      await check.verify(run.steps[0], {
        appId: app.appId,
        runId: sent.body.executionId,
        outputChannelId: app.channels[1].channelId,
      });
      const exported = await suite.session.call("GET", `/v1/apps/${app.appId}/export?includeSecrets=true`);
      expect(exported.body.actions[0].type).toBe(type);
    });
  }

  for (const row of actions.filter(
    (candidate) => candidate.status === "not yet" && code(candidate["type in an export"]),
  )) {
    const type = code(row["type in an export"]) as string;
    it(`${row["Flux action"]}: '${type}' cannot run yet, and imports kept and turned off`, async () => {
      expect(isRunnableActionType(type)).toBe(false);
      const app = await importOne({ type, config: { anything: "kept" } });
      expect(app.actions[0]).toMatchObject({ type, enabled: false, config: { anything: "kept" } });
      expect(app.notes[0].message).toContain(`type '${type}' cannot run in this Conflux yet`);
    });
  }

  it("names event sources the app model has", () => {
    const sourceTypes = (eventSourceSchema.options as { shape: { type: { value: string } } }[]).map(
      (option) => option.shape.type.value,
    );
    for (const row of tableUnder("Event sources").filter(isImportable)) {
      const type = code(row.Conflux);
      if (type) expect(sourceTypes, row["Flux event source"]).toContain(type);
    }
  });

  it("keeps through an import and an export every field it marks the same", async () => {
    const flux = fluxApp(["  In"], ({ channelIds: [input] }) => [
      { channelId: input, name: "pass on", type: "republish", config: {} },
    ]);
    const imported = await suite.session.call("POST", "/v1/apps/import", flux);
    const exported = (await suite.session.call("GET", `/v1/apps/${imported.body.appId}/export`)).body;
    const parts: Record<string, Record<string, unknown>> = {
      app: exported,
      channel: exported.channels[0],
      action: exported.actions[0],
    };
    const original: Record<string, Record<string, unknown>> = {
      app: flux,
      channel: flux.channels[0] as Record<string, unknown>,
      action: flux.actions[0] as Record<string, unknown>,
    };
    for (const row of tableUnder("Fields").filter((candidate) => candidate.status === "same")) {
      const field = code(row.field) as string;
      const part = row.part as string;
      expect(Object.keys(parts[part] ?? {}), `${part} ${field}`).toContain(field);
      if (!field.endsWith("Id") && !["channels", "actions"].includes(field))
        expect(parts[part]?.[field], `${part} ${field}`).toEqual(original[part]?.[field]);
    }
  });

  it("quotes each limit as the code has it", () => {
    const config = loadConfig({}, {});
    const inCode: Record<string, number> = {
      "actions per app": config.limits.maxActionsPerApp,
      "message to another channel": defaultMaxMessageBytes,
      "output delay": maxOutputDelaySeconds,
      "webhook timeout": webhookTimeoutMs / 1000,
      "webhook response kept": maxWebhookResponseBytes,
      "AI prompt": maxAiPromptChars,
      "interval timer, shortest": minIntervalMinutes,
      "e-mails per hour": config.limits.emailsPerHour,
      "e-mails per month": config.limits.emailsPerMonth,
    };
    const limits = tableUnder("Limits");
    expect(limits.map((row) => row.limit).sort()).toEqual(Object.keys(inCode).sort());
    for (const row of limits) {
      expect(numberIn(row.Conflux), row.limit).toBe(inCode[row.limit as string]);
      if (row.status === "same") expect(numberIn(row.Flux), row.limit).toBe(numberIn(row.Conflux));
      else expect(numberIn(row.Flux), row.limit).not.toBe(numberIn(row.Conflux));
    }
  });
});
