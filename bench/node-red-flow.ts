/**
 * Node-RED running the pipeline, for the comparison: the flow is generated here (`http in` → `switch` on
 * `payload.temp > 8` → `function` shaping the JSON → `http request` POST to the sink → `http response` 202), and
 * Node-RED itself (the bench's dev dependency) runs it from a temporary user folder, with no editor or admin API.
 * Node-RED keeps messages in memory: nothing it accepts is durable.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** The flow: what a Node-RED user would wire for the pipeline. Events below the threshold are answered 202 too. */
export function nodeRedFlow(hookUrl: string) {
  const tab = "bench";
  return [
    { id: tab, type: "tab", label: "pipeline" },
    {
      id: "in",
      type: "http in",
      z: tab,
      url: "/messages",
      method: "post",
      upload: false,
      wires: [["condition"]],
    },
    {
      id: "condition",
      type: "switch",
      z: tab,
      property: "payload.temp",
      propertyType: "msg",
      rules: [{ t: "gt", v: "8", vt: "num" }, { t: "else" }],
      checkall: "false",
      outputs: 2,
      wires: [["shape"], ["answer"]],
    },
    {
      id: "shape",
      type: "function",
      z: tab,
      func: [
        "const { sensor, temp, seq, sentAt } = msg.payload;",
        "msg.payload = { sensor, celsius: temp, seq, sentAt };",
        "return msg;",
      ].join("\n"),
      outputs: 1,
      wires: [["hook"]],
    },
    {
      id: "hook",
      type: "http request",
      z: tab,
      method: "POST",
      ret: "txt",
      paytoqs: "ignore",
      url: hookUrl,
      // Keep-alive, as Conflux's webhooks have.
      persist: true,
      wires: [["answer"]],
    },
    { id: "answer", type: "http response", z: tab, statusCode: "202", headers: {}, wires: [] },
  ];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/** Starts Node-RED on the flow above; resolves once a message below the threshold is answered. */
export async function startNodeRed(hookUrl: string) {
  const userDir = mkdtempSync(path.join(tmpdir(), "conflux-bench-node-red-"));
  const port = await freePort();
  writeFileSync(path.join(userDir, "flows.json"), JSON.stringify(nodeRedFlow(hookUrl)));
  const settings = {
    uiHost: "127.0.0.1",
    uiPort: port,
    // No editor and no admin API: only the flow's HTTP endpoints.
    httpAdminRoot: false,
    httpNodeRoot: "/",
    userDir,
    flowFile: "flows.json",
    credentialSecret: false,
    logging: { console: { level: "warn", metrics: false, audit: false } },
    diagnostics: { enabled: false },
    telemetry: { enabled: false },
  };
  const settingsFile = path.join(userDir, "settings.js");
  writeFileSync(settingsFile, `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  const redJs = path.join(
    path.dirname(createRequire(import.meta.url).resolve("node-red/package.json")),
    "red.js",
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [redJs, "--settings", settingsFile, "--userDir", userDir],
    {
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const url = `http://127.0.0.1:${port}/messages`;
  const close = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGINT");
      await exited;
    }
    rmSync(userDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answer = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"temp": 0}',
    }).catch(() => undefined);
    if (answer?.status === 202) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await close();
      throw new Error("Node-RED did not start");
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, pid: child.pid ?? 0, close };
}
