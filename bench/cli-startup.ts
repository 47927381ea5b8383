import { execFileSync } from "node:child_process";
import { median } from "./statistics.ts";

/**
 * How long `conflux --version` takes from process start to exit: what every CLI call pays before it
 * does anything, next to a bare `node -e ""` in alternating rounds (the machine's own floor). After
 * one warm-up call each (disk cache), medians are printed.
 * Settings: BENCH_ROUNDS (15), BENCH_ARGS ("--version"), and BENCH_BASELINE_BIN: another checkout's
 * packages/server/bin/conflux.js to time in the same rounds (before/after a change).
 */

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const args = (process.env.BENCH_ARGS ?? "--version").split(" ");
const bins: Record<string, string[]> = {
  conflux: [new URL("../packages/server/bin/conflux.js", import.meta.url).pathname, ...args],
  ...(process.env.BENCH_BASELINE_BIN ? { baseline: [process.env.BENCH_BASELINE_BIN, ...args] } : {}),
  'node -e ""': ["-e", ""],
};

const time = (argv: string[]): number => {
  const started = process.hrtime.bigint();
  // The exit code does not matter here (an old CLI may not know --version): only the time to answer.
  try {
    execFileSync(process.execPath, argv, { stdio: "ignore" });
  } catch {}
  return Number(process.hrtime.bigint() - started) / 1e6;
};

const samples = Object.fromEntries(Object.keys(bins).map((name) => [name, [] as number[]]));
for (const argv of Object.values(bins)) time(argv);
for (let round = 0; round < rounds; round++)
  for (const [name, argv] of Object.entries(bins)) samples[name]?.push(time(argv));

console.log(`${args.join(" ")}, ${rounds} rounds:`);
for (const [name, values] of Object.entries(samples))
  console.log(
    `  ${name.padEnd(10)} median ${median(values).toFixed(0)} ms (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`,
  );
