import { execFileSync } from "node:child_process";

/**
 * Vitest's global set-up: compiles the server and CLI once (about a second) before any test file runs,
 * so the suites that spawn `conflux` (cli, simulate, crash tests) run what `npm start` runs, from
 * today's sources.
 */
export default function buildCli(): void {
  execFileSync(process.execPath, [new URL("../scripts/build.mjs", import.meta.url).pathname], {
    stdio: "inherit",
  });
}
