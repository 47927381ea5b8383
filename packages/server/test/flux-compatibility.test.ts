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
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/conflux.ts";
import { serveImage, testImage, useAiSuite } from "./ai-fixture.ts";
import { fluxApp } from "./flux-fixture.ts";
import { waitForRun } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";

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

const received: { to: string[]; data: string }[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      received.push({
        to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        data: Buffer.concat(chunks).toString("utf8"),
      });
      callback();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

const suite = useAiSuite(undefined, {
  smtp: { host: "127.0.0.1", port: (smtp.server.address() as { port: number }).port, from: "c@conflux.test" },
});
const sink = new HttpSink();
let sinkUrl = "";
beforeAll(async () => {
  sinkUrl = await sink.start();
});
afterAll(() => sink.stop());

interface Check {
  config(): Promise<Record<string, unknown>> | Record<string, unknown>;
  /** What the step's result and the stand-in must show once the action ran on `{"temp": 9}`. */
  verify(step: any): Promise<void> | void;
}

/** How each action the doc marks importable is run against a stand-in of its outside service. */
const checks: Record<string, Check> = {
  republish: {
    config: () => ({ transform: { contentType: "application/json", content: '{"t": ${payload.temp}}' } }),
    verify: (step) => expect(step.result).toEqual({ t: 9 }),
  },
  "object-detection": {
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
  "slack-notification": {
    config: () => ({ url: `${sinkUrl}/services/T0/B0/slack`, payload: { text: "at ${payload.temp} C" } }),
    async verify() {
      const posted = (await sink.waitFor(1)).find((request) => request.url === "/services/T0/B0/slack");
      expect(JSON.parse(posted?.body ?? "")).toEqual({ text: "at 9 C" });
    },
  },
  "email-notification": {
    config: () => ({ to: "ops@example.com", subject: "at ${payload.temp} C", body: "hot" }),
    verify(step) {
      expect(step.result.sent).toEqual({ to: ["ops@example.com"], cc: [] });
      expect(received.at(-1)?.data).toContain("Subject: at 9 C");
    },
  },
  ai: {
    config() {
      suite.standIn.answer = () => ({ text: "warm" });
      return { model: "openai/gpt-4.1-mini", prompt: "Is ${payload.temp} C warm?" };
    },
    verify: (step) => expect(step.result.output).toBe("warm"),
  },
  webhook: {
    config: () => ({ url: `${sinkUrl}/hook` }),
    async verify(step) {
      expect(step.result.status).toBe(200);
      const hook = (await sink.waitFor(1)).find((request) => request.url === "/hook");
      expect(JSON.parse(hook?.body ?? "")).toEqual({ temp: 9 });
    },
  },
};

async function importOne(action: Record<string, unknown>) {
  const app = fluxApp([" In"], ({ channelIds: [input] }) => [
    { channelId: input, name: "under test", ...action },
  ]);
  const imported = await suite.session.call("POST", "/v1/apps/import", app);
  expect(imported.status, imported.text).toBe(201);
  return imported.body;
}

describe("docs/flux-compatibility.md", () => {
  const actions = tableUnder("Actions");

  it("marks importable exactly the actions this test can run", () => {
    const importable = actions.filter(isImportable).map((row) => code(row["type in an export"]));
    expect(importable.sort()).toEqual(Object.keys(checks).sort());
  });

  for (const row of actions.filter(isImportable)) {
    const type = code(row["type in an export"]) as string;
    it(`${row["Flux action"]}: '${type}' imports in Flux's shape and runs`, async () => {
      expect(isRunnableActionType(type)).toBe(true);
      const check = checks[type] as Check;
      const app = await importOne({ type, config: await check.config() });
      expect(app.notes.filter((note: any) => note.message.includes("cannot run"))).toEqual([]);
      const sent = await suite.session.call(
        "POST",
        `/v1/flux/apps/${app.appId}/channels/${app.channels[0].channelId}/messages`,
        { temp: 9 },
      );
      const run = await waitForRun(suite.session, app.appId, sent.body.executionId);
      expect(run.steps[0]?.status, JSON.stringify(run.steps[0]?.error)).toBe("completed");
      await check.verify(run.steps[0]);
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
