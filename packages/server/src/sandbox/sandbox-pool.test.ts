import { describe, expect, it } from "vitest";
import type { Outcome } from "./evaluate.ts";
import { DEFAULT_SANDBOX_LIMITS } from "./quickjs.ts";
import { SandboxBusyError, SandboxPool, sandboxPoolSize } from "./sandbox-pool.ts";
import type { WorkerRequest } from "./worker.ts";

function run(source: string, timeoutMs = 1_000): WorkerRequest {
  return { kind: "run", source, inputJson: "{}", limits: { ...DEFAULT_SANDBOX_LIMITS, timeoutMs } };
}

const endless = run("function main() { for (;;) {} }", 1_000);
const quick = run("function main() { return 42; }");

describe("the sandbox's pool of threads", () => {
  it("serves another operator's run before the first operator's queued ones", async () => {
    const pool = new SandboxPool({ threads: 2, threadsPerOperator: 1 });
    // Both threads started first: starting one on a loaded machine can take longer than a loop.
    await Promise.all([pool.run("looper", quick), pool.run("bystander", quick)]);
    const finished: string[] = [];
    const track = (name: string, outcome: Promise<Outcome>) =>
      outcome.then((result) => {
        finished.push(name);
        return result;
      });
    const loops = [1, 2, 3].map((n) => track(`loop ${n}`, pool.run("looper", endless)));
    const answer = await track("bystander", pool.run("bystander", quick));
    expect(answer).toMatchObject({ ok: true, resultJson: "42" });
    // One loop at a time for the looper (its share is one thread), so the bystander never waited for two.
    expect(finished.filter((name) => name.startsWith("loop")).length).toBeLessThanOrEqual(1);
    const outcomes = await Promise.all(loops);
    expect(outcomes.every((outcome) => !outcome.ok && outcome.code === "code_timeout")).toBe(true);
    expect(finished.slice(-2)).toEqual(["loop 2", "loop 3"]);
  }, 30_000);

  it("refuses an operator's run as busy past its waiting limit, and still takes other operators' runs", async () => {
    const pool = new SandboxPool({ threads: 1, threadsPerOperator: 1 });
    // One running and three waiting with the longest time limit: 30 s of waiting at worst, the limit.
    const accepted = Array.from({ length: 4 }, () => pool.run("looper", run("function main() {}", 10_000)));
    await expect(pool.run("looper", quick)).rejects.toBeInstanceOf(SandboxBusyError);
    await expect(pool.run("bystander", quick)).resolves.toMatchObject({ ok: true });
    await Promise.all(accepted);
    await expect(pool.run("looper", quick)).resolves.toMatchObject({ ok: true });
  }, 30_000);

  it("is sized to the machine with at least two threads, an operator getting half", () => {
    const size = sandboxPoolSize();
    expect(size.threads).toBeGreaterThanOrEqual(2);
    expect(size.threadsPerOperator).toBe(Math.floor(size.threads / 2));
    expect(sandboxPoolSize({ threads: 8 })).toEqual({ threads: 8, threadsPerOperator: 4 });
    expect(sandboxPoolSize({ threads: 1, threadsPerOperator: 3 })).toEqual({
      threads: 1,
      threadsPerOperator: 1,
    });
  });
});
