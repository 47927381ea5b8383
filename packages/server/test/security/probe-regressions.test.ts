// What an attacker's probe tried and the server already withstood, kept as regression tests: SSRF
// forms through the webhook action, escapes from the code action's sandbox, and YAML bombs on app
// import. Redirects (never followed, so never to a private address) are in protocol-abuse.test.ts;
// cross-tenant routes are in cross-tenant-routes.test.ts (and test/tenant-isolation.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiSession, signUp, startTestConflux, waitForRun } from "../harness.ts";
import { HttpSink } from "../http-sink.ts";

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let session: ApiSession;
const sink = new HttpSink();
let sinkPort: number;

beforeAll(async () => {
  // As deployed: private and loopback addresses are out of the actions' reach.
  conflux = await startTestConflux({ outbound: { allowPrivateAddresses: false } });
  sinkPort = Number(new URL(await sink.start()).port);
  session = await signUp(conflux.url);
});

afterAll(async () => {
  await conflux?.cleanUp();
  await sink.stop();
});

/** Runs one action of `type` on a fresh app and returns its step. */
async function runStep(type: string, config: unknown, payload: unknown = {}) {
  const created = await session.call("POST", "/v1/apps", {
    name: "probe",
    channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
    actions: [{ actionId: "probe", channelId: "in", type, config }],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const sent = await session.call("POST", `/v1/apps/${created.body.appId}/channels/in/messages`, payload);
  const run = await waitForRun(session, created.body.appId, sent.body.executionId, 60_000);
  return run.steps[0];
}

describe("SSRF through the webhook action", () => {
  const forms = [
    "127.0.0.1",
    "2130706433", // decimal
    "0x7f000001", // hex
    "0x7f.0.0.1",
    "0177.0.0.1", // octal
    "127.1",
    "0.0.0.0",
    "[::1]",
    "[::ffff:127.0.0.1]", // IPv6-mapped
    "[::ffff:7f00:1]",
    "localhost", // a name resolving to loopback
    "localhost.",
  ];
  for (const host of forms) {
    it(`http://${host}:port/ is refused before any request`, async () => {
      const step = await runStep("webhook", { url: `http://${host}:${sinkPort}/ssrf` });
      expect(step.status).toBe("failed");
      expect(step.error.code).toMatch(/^outbound_/);
      expect(sink.received).toEqual([]);
    });
  }

  it("a template cannot build its way to a private address either", async () => {
    const step = await runStep(
      "webhook",
      { url: "http://${payload.host}/x" },
      { host: `127.0.0.1:${sinkPort}` },
    );
    expect(step.status).toBe("failed");
    expect(sink.received).toEqual([]);
  });
});

describe("escapes from the code action's sandbox", () => {
  const source = (body: string) => `function main(input) { ${body} }`;

  it("constructor chains reach the sandbox's own Function, not the host's process", async () => {
    const step = await runStep("code", {
      source: source(
        "const f = (() => {}).constructor.constructor('return typeof process + \":\" + typeof require')(); return f;",
      ),
    });
    expect(step.status).toBe("completed");
    expect(step.result).toBe("undefined:undefined");
  });

  it("prototype pollution stays inside the sandbox", async () => {
    const step = await runStep("code", {
      source: source("Object.prototype.polluted = 'yes'; ({}).__proto__.alsoPolluted = 1; return 'done';"),
    });
    expect(step.status).toBe("completed");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).alsoPolluted).toBeUndefined();
  });

  it("import() loads nothing", async () => {
    const step = await runStep("code", {
      source: "async function main() { const fs = await import('node:fs'); return typeof fs.readFileSync; }",
    });
    expect(step.status).toBe("failed");
    expect(step.error.code).toBe("code_runtime");
  });

  it("an infinite loop stops at the time limit, and the server keeps answering", async () => {
    const step = await runStep("code", { source: source("for (;;) {}"), timeoutMs: 200 });
    expect(step.status).toBe("failed");
    expect(step.error.code).toBe("code_timeout");
    expect((await fetch(`${conflux.url}/healthz`)).status).toBe(200);
  });

  it("a memory bomb stops at the memory limit", async () => {
    const step = await runStep("code", {
      source: source("let hoard = 'x'; const kept = []; for (;;) { hoard += hoard; kept.push(hoard); }"),
      timeoutMs: 10_000,
    });
    expect(step.status).toBe("failed");
    expect(step.error.code).toBe("code_memory");
  });
});

describe("YAML bombs on app import", () => {
  const importYaml = (text: string) =>
    session.call("POST", "/v1/apps/import", text, { "content-type": "application/yaml" });

  it("billion laughs is refused with 400, quickly", async () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < 9; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      lines.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(",")}]`);
    }
    lines.push("name: bomb", "channels: []", "actions: []");
    const started = performance.now();
    const answer = await importYaml(lines.join("\n"));
    expect(answer.status).toBe(400);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("a long chain of aliases is refused with 400", async () => {
    const lines = ["x0: &x0 [1]"];
    for (let index = 1; index < 500; index++) lines.push(`x${index}: &x${index} [*x${index - 1}]`);
    lines.push("name: chain", "channels: []", "actions: []");
    const answer = await importYaml(lines.join("\n"));
    expect(answer.status).toBe(400);
  });

  it("custom tags that would build objects are plain data", async () => {
    const answer = await importYaml(
      'name: !!js/function "function () { return process }"\nchannels: []\nactions: []',
    );
    expect(answer.status).toBeLessThan(500);
    if (answer.status === 201) expect(typeof answer.body.name).toBe("string");
  });
});
