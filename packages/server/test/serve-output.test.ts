import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const cli = new URL("../bin/conflux.js", import.meta.url).pathname;
/** util-linux's `script` gives the child a terminal, as `npm start` in a shell does. */
const hasScript = (() => {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

let child: ChildProcess | undefined;
const dataDirs: string[] = [];
afterEach(() => {
  // Its own process group (detached): `script` and the server under it stop together.
  if (child?.pid) process.kill(-child.pid, "SIGKILL");
  child = undefined;
  for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(
  command: string,
  args: string[],
): { output: () => string; until(pattern: RegExp): Promise<RegExpExecArray> } {
  const dataDir = mkdtempSync(path.join(tmpdir(), "conflux-serve-output-"));
  dataDirs.push(dataDir);
  let output = "";
  child = spawn(command, args, {
    detached: true,
    env: {
      ...process.env,
      CONFLUX_DATA_DIR: dataDir,
      CONFLUX_PORT: "0",
      CONFLUX_MQTT_PORT: "0",
      CONFLUX_SOCKET_PORT: "0",
      CONFLUX_STUDIO_DIR: dataDir,
    },
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  return {
    output: () => output,
    async until(pattern) {
      for (;;) {
        const found = pattern.exec(output);
        if (found) return found;
        if (child?.exitCode !== null) throw new Error(`conflux serve exited:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

describe("conflux serve's output", { timeout: 60_000 }, () => {
  it.skipIf(!hasScript)(
    "on a terminal: readable log lines, then the studio's address and first steps",
    async () => {
      const serve = start("script", ["-qec", `"${process.execPath}" "${cli}" serve`, "/dev/null"]);
      const [, url] = await serve.until(/Conflux is ready: open (http:\/\/127\.0\.0\.1:\d+)\/ in a browser/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      await serve.until(/stop: Ctrl\+C/);
      const output = serve.output();
      expect(output).toContain("conflux login");
      expect(output).toMatch(/INFO.*Conflux is running/);
      expect(output).not.toContain('{"level"');
    },
  );

  it("elsewhere: one JSON object a line, the address included", async () => {
    const serve = start(process.execPath, [cli, "serve"]);
    await serve.until(/"msg":"Conflux is running"/);
    const lines = serve.output().trimEnd().split("\n");
    const entries = lines.map((line) => JSON.parse(line) as { msg: string; url?: string });
    const running = entries.find((entry) => entry.msg === "Conflux is running");
    expect(running?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${running?.url}/healthz`)).status).toBe(200);
    expect(serve.output()).not.toContain("Conflux is ready");
  });
});
