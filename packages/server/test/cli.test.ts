import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn, signUp, startTestConflux, testPassword, waitForRun } from "./harness.ts";
import { freePort as closedPort } from "./serve-process.ts";

const run = promisify(execFile);
const cli = new URL("../bin/conflux.js", import.meta.url).pathname;
const example = new URL("../../../docs/examples/cold-chain-alert.json", import.meta.url).pathname;
const email = `cli-${Date.now()}@example.com`;

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  conflux = await startTestConflux();
  await signUp(conflux.url, email);
  // One log-in for the suite: a log-in per call (argon2) would make each call slow on a busy machine.
  const { headers } = await logIn(conflux.url, email);
  env = {
    ...process.env,
    CONFLUX_URL: conflux.url,
    CONFLUX_EMAIL: email,
    CONFLUX_PASSWORD: testPassword,
    CONFLUX_API_KEY: headers["x-conflux-api-key"],
    CONFLUX_TOKEN: headers["x-conflux-token"],
  };
});

afterAll(async () => conflux?.cleanUp());

const cliRun = (...args: string[]) => run(process.execPath, [cli, ...args], { env });
/** Runs the CLI with no server and no credentials: help and usage errors need neither. */
const bare = (...args: string[]) =>
  run(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? "" } });

// Each call is a process of its own (a few hundred ms, seconds on a busy machine).
describe("the conflux CLI", { timeout: 60_000 }, () => {
  it("imports, lists and exports apps, and sends a message that runs", async () => {
    const imported = JSON.parse((await cliRun("apps", "import", example, "-o", "json")).stdout);
    expect(imported.name).toBe("Cold-chain alert");

    const listed = JSON.parse((await cliRun("apps", "list", "--output", "json")).stdout);
    expect(listed.map((app: { appId: string }) => app.appId)).toContain(imported.appId);
    const yamlList = (await cliRun("apps", "list", "-o", "yaml")).stdout;
    expect(yamlList).toContain(`appId: ${imported.appId}`);
    const [header, ...rows] = (await cliRun("apps", "list")).stdout.trimEnd().split("\n");
    expect(header).toMatch(/^APP ID +NAME +VERSION +CHANNELS +ACTIONS +UPDATED$/);
    const row = rows.find((line) => line.startsWith(imported.appId));
    expect(row).toMatch(/Cold-chain alert +1 +2 +2\/2 on +\d{4}-/);

    const yaml = (await cliRun("apps", "export", imported.appId, "--format", "yaml")).stdout;
    expect(yaml).toContain("condition: payload.temp > 8");

    const sent = JSON.parse(
      (await cliRun("send", imported.appId, "readings", '{"sensor":"f","temp":9}', "--output", "json"))
        .stdout,
    );
    const finished = await waitForRun(await logIn(conflux.url, email), imported.appId, sent.executionId);
    expect(finished.steps.find((step: { actionId: string }) => step.actionId === "too-warm")?.status).toBe(
      "completed",
    );
  });

  it("runs the README's first app: its webhook reaches `conflux receive` and the run is green", async () => {
    const receiver = spawn(process.execPath, [cli, "receive", "--port", "0"], { env });
    try {
      let printed = "";
      receiver.stdout.on("data", (chunk: Buffer) => {
        printed += chunk.toString("utf8");
      });
      const port = await new Promise<string>((resolve, reject) => {
        receiver.once("exit", (code) => reject(new Error(`conflux receive exited with ${code}`)));
        receiver.stdout.on("data", () => {
          const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(printed);
          if (listening?.[1]) resolve(listening[1]);
        });
      });
      // The README's example posts to the receiver's default port; this one listens where it could.
      const app = readFileSync(example, "utf8").replace("127.0.0.1:8481", `127.0.0.1:${port}`);
      const file = path.join(mkdtempSync(path.join(tmpdir(), "conflux-cli-")), "first-app.json");
      writeFileSync(file, app);
      const { appId } = JSON.parse((await cliRun("apps", "import", file, "-o", "json")).stdout);
      const sent = JSON.parse(
        (await cliRun("send", appId, "readings", '{"sensor":"fridge-1","temp":9.5}', "-o", "json")).stdout,
      );
      const finished = await waitForRun(await logIn(conflux.url, email), appId, sent.executionId);
      expect(finished.status).toBe("completed");
      expect(finished.steps.map((step: { status: string }) => step.status)).toEqual([
        "completed",
        "completed",
      ]);
      expect(printed).toMatch(/POST \/alerts \(application\/json\)\n.*FRIDGE-1 is at 9.5 C/);
    } finally {
      receiver.kill();
    }
  });

  it("imports with --dry-run (nothing saved), --disabled and --replace", async () => {
    const session = await logIn(conflux.url, email);
    const before = (await session.call("GET", "/v1/apps")).body.items.length;
    const checked = JSON.parse((await cliRun("apps", "import", example, "--dry-run", "-o", "json")).stdout);
    expect(checked).toMatchObject({ dryRun: true, app: { name: "Cold-chain alert" } });
    expect((await session.call("GET", "/v1/apps")).body.items).toHaveLength(before);

    const off = JSON.parse((await cliRun("apps", "import", example, "--disabled", "-o", "json")).stdout);
    expect(off.actions.map((action: { enabled: boolean }) => action.enabled)).toEqual([false, false]);
    const replaced = JSON.parse(
      (await cliRun("apps", "import", example, "--replace", off.appId, "-o", "json")).stdout,
    );
    expect(replaced).toMatchObject({ appId: off.appId, version: 2 });
    expect(replaced.actions.map((action: { enabled: boolean }) => action.enabled)).toEqual([true, true]);
  });

  it("logs in and prints the key and token, or shell lines that the other commands then use", async () => {
    const printed = JSON.parse((await cliRun("login", "--output", "json")).stdout);
    expect(printed).toMatchObject({ apiKey: expect.any(String), token: expect.any(String) });
    expect((await cliRun("login")).stdout).toMatch(/^FIELD +VALUE\napiKey +\S+\ntoken +\S+/);

    const exported = (await cliRun("login", "--export")).stdout;
    expect(exported).toMatch(/^export CONFLUX_URL='[^']+' CONFLUX_API_KEY='[^']+' CONFLUX_TOKEN='[^']+'\n$/);
    const fromShell = await run(
      "sh",
      ["-c", `${exported.trim()}; exec "$0" "$1" apps list -o json`, process.execPath, cli],
      {
        env: { PATH: process.env.PATH ?? "" },
      },
    );
    expect(Array.isArray(JSON.parse(fromShell.stdout))).toBe(true);

    await expect(
      run(process.execPath, [cli, "login"], {
        env: { PATH: process.env.PATH ?? "", CONFLUX_URL: conflux.url },
      }),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("missing the email") });
  });

  it("answers --version and help for every command without a server", async () => {
    expect((await bare("--version")).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = (await bare("--help")).stdout;
    for (const command of ["serve", "login", "apps", "send", "simulate"]) expect(help).toContain(command);
    expect(help).toContain("Exit codes");
    expect((await bare("serve", "--help")).stdout).toMatch(/Usage: conflux serve[\s\S]*--port <port>/);
    expect((await bare("apps", "import", "--help")).stdout).toContain("--dry-run");
    expect((await bare("help", "simulate")).stdout).toContain("--protocol <protocol>");
  });

  it("names the missing or unknown argument and exits with 2", async () => {
    const usage = (args: string[], said: string) =>
      expect(bare(...args)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining(said) });
    await usage(["send", "APP", "in"], "missing required argument 'json'");
    await usage(["apps", "export"], "missing required argument 'appId'");
    await usage(["apps", "lst"], "unknown command 'lst'");
    await usage(["deploy"], "unknown command 'deploy'");
    await usage(["apps", "list", "--colour"], "unknown option '--colour'");
    await usage(["apps", "list", "--output", "xml"], "Allowed choices are table, json, yaml");
    await usage(["send", "APP", "in", "{not json"], "not JSON");
    await usage(["simulate", "--devices", "0"], "'--devices <n>' argument '0' is invalid");
    await usage(["simulate", "--rate", "3/h"], "--rate '3/h' is not like 10/s");
    await usage(["apps", "list"], "not logged in");
  });

  it("says when the server cannot be reached, and exits with 3", async () => {
    const closed = `http://127.0.0.1:${await closedPort()}`;
    await expect(
      run(process.execPath, [cli, "apps", "list"], { env: { ...env, CONFLUX_URL: closed } }),
    ).rejects.toMatchObject({
      code: 3,
      stderr: `conflux: cannot reach ${closed}: connection refused (is \`conflux serve\` running?)\n`,
    });
  });

  it("says what the server refused, and exits with 1", async () => {
    await expect(cliRun("apps", "export", "NO-SUCH-APP")).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^conflux: HTTP 404 not_found: /),
    });
    await expect(cliRun("apps", "import", "no-such-file.json")).rejects.toMatchObject({
      code: 1,
      stderr: "conflux: cannot read no-such-file.json: no such file\n",
    });
    await expect(
      run(process.execPath, [cli, "apps", "list"], {
        env: { ...env, CONFLUX_API_KEY: "", CONFLUX_PASSWORD: "wrong" },
      }),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining("log-in failed: 401"),
    });
  });
});
