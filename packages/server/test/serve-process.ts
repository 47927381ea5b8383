import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

const cli = new URL("../bin/conflux.js", import.meta.url).pathname;

/** A real `conflux serve` process on a data folder of its own, for suites that kill it and start it again. */
export interface ServeProcess {
  /** Starts `conflux serve` on `port` with the data folder and `env`; resolves with its URL once healthy. */
  start(port: number, env: Record<string, string>): Promise<string>;
  /** Kills the running process with SIGKILL, as a crash or a power cut would. */
  kill(): void;
}

/** A ServeProcess whose process is killed and data folder removed after the file's tests. */
export function useServeProcess(name: string): ServeProcess {
  const dataDir = mkdtempSync(path.join(tmpdir(), `conflux-${name}-`));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    async start(port, env) {
      child = spawn(process.execPath, [cli, "serve"], {
        env: {
          ...process.env,
          CONFLUX_DATA_DIR: dataDir,
          CONFLUX_PORT: String(port),
          // Suites poll runs quickly as one operator; the rate limit has suites of its own.
          CONFLUX_API_RATE_LIMIT_PER_MINUTE: "1000000",
          ...env,
        },
        stdio: ["ignore", "inherit", "inherit"],
      });
      const url = `http://127.0.0.1:${port}`;
      // Generous: under a full parallel test run, starting a process with tsx takes a while.
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        try {
          if ((await fetch(`${url}/healthz`)).ok) return url;
        } catch {}
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error("conflux serve did not start");
    },
    kill() {
      child?.kill("SIGKILL");
    },
  };
}

/** A port free now, so a restarted process can listen where its clients still point. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
