import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Clock ticks a second of /proc's CPU times (100 on Linux unless the kernel says otherwise). */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU milliseconds (user + system, every thread) process `pid` has used so far, read from /proc so it works for
 * any process, ours or not (Node-RED, PostgreSQL's backends); 0 when it is gone.
 */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) in parentheses; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return 0;
  }
}
