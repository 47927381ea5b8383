import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logIn, signUp, startTestConflux, testPassword, waitForRun } from "./harness.ts";

const run = promisify(execFile);
const cli = new URL("../bin/conflux.js", import.meta.url).pathname;
const example = new URL("../../../docs/examples/cold-chain-alert.json", import.meta.url).pathname;
const email = `cli-${Date.now()}@example.com`;

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  conflux = await startTestConflux();
  await signUp(conflux.url, email);
  env = { ...process.env, CONFLUX_URL: conflux.url, CONFLUX_EMAIL: email, CONFLUX_PASSWORD: testPassword };
});

afterAll(async () => conflux?.cleanUp());

const cliRun = (...args: string[]) => run(process.execPath, [cli, ...args], { env });

describe("the conflux CLI", () => {
  it("imports, lists and exports apps, and sends a message that runs", async () => {
    const imported = JSON.parse((await cliRun("apps", "import", example)).stdout);
    expect(imported.name).toBe("Cold-chain alert");

    const listed = JSON.parse((await cliRun("apps", "list")).stdout);
    expect(listed.map((app: { appId: string }) => app.appId)).toContain(imported.appId);

    const yaml = (await cliRun("apps", "export", imported.appId, "--format", "yaml")).stdout;
    expect(yaml).toContain("condition: payload.temp > 8");

    const sent = JSON.parse(
      (await cliRun("send", imported.appId, "readings", '{"sensor":"f","temp":9}')).stdout,
    );
    const finished = await waitForRun(await logIn(conflux.url, email), imported.appId, sent.executionId);
    expect(finished.steps.find((step: { actionId: string }) => step.actionId === "too-warm")?.status).toBe(
      "completed",
    );
  });

  it("imports with --dry-run (nothing saved), --disabled and --replace", async () => {
    const session = await logIn(conflux.url, email);
    const before = (await session.call("GET", "/v1/apps")).body.length;
    const checked = JSON.parse((await cliRun("apps", "import", example, "--dry-run")).stdout);
    expect(checked).toMatchObject({ dryRun: true, app: { name: "Cold-chain alert" } });
    expect((await session.call("GET", "/v1/apps")).body).toHaveLength(before);

    const off = JSON.parse((await cliRun("apps", "import", example, "--disabled")).stdout);
    expect(off.actions.map((action: { enabled: boolean }) => action.enabled)).toEqual([false, false]);
    const replaced = JSON.parse((await cliRun("apps", "import", example, "--replace", off.appId)).stdout);
    expect(replaced).toMatchObject({ appId: off.appId, version: 2 });
    expect(replaced.actions.map((action: { enabled: boolean }) => action.enabled)).toEqual([true, true]);
  });

  it("says what is wrong and exits non-zero", async () => {
    await expect(cliRun("send", "APP", "in", "{not json")).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("conflux:"),
    });
    await expect(cliRun("apps", "export", "NO-SUCH-APP")).rejects.toMatchObject({
      stderr: expect.stringContaining("HTTP 404"),
    });
    await expect(
      run(process.execPath, [cli, "apps", "list"], { env: { ...env, CONFLUX_PASSWORD: "wrong" } }),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining("log-in failed: 401"),
    });
  });
});
