import type { SandboxErrorCode, SandboxLimits } from "./evaluate.ts";
import { SandboxBusyError, SandboxPool, type SandboxPoolSize, sandboxPoolSize } from "./sandbox-pool.ts";
import { SandboxThread } from "./sandbox-thread.ts";

/**
 * The sandbox for the JavaScript of `code` actions (user documentation: docs/code-action.md).
 *
 * The contract for user code: the source is a script that defines `function main(input) { … }`.
 * `input` is `{ payload, context, event }`, plain JSON copies made inside the VM. What main returns
 * (or what the promise it returns resolves to) is the result; it must be JSON-serializable, and
 * `undefined` becomes null. `console.log`, `info` and `debug` write a log line, `console.warn` and
 * `console.error` one marked `[warn]` or `[error]`; lines are cut at 1,000 characters and at most
 * 100 are kept. The VM is QuickJS with only the standard ECMAScript globals: no network, no files,
 * no timers, no `require`, `process` or `fetch`. Each run gets a fresh runtime and context.
 *
 * Limits: time (an interrupt handler; the whole run including awaited promises), memory (QuickJS's
 * allocator limit) and stack, and the size of the result's JSON.
 *
 * Why worker threads: QuickJS runs synchronously, so on the main thread every run would stall the
 * server's event loop, and the interrupt handler is not consulted everywhere — a backtracking
 * regular expression such as `/(a*)*b/.test("a".repeat(30))` runs on inside the engine, ignoring
 * it. A thread can be terminated from outside when a run overruns its time limit by a margin,
 * and is replaced, as it is when the engine breaks (a host RangeError from the wasm stack).
 *
 * Runs share a pool of threads fairly between operators (sandbox-pool.ts). Syntax checks of app
 * saves have a thread of their own: a save never waits behind anyone's runs, and a check only
 * compiles, which takes milliseconds, so checks do not wait long behind each other.
 */

export interface SandboxInput {
  payload: unknown;
  context: unknown;
  event: unknown;
}

export class SandboxError extends Error {
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
    /** What the code logged before it failed. */
    readonly logs: string[] = [],
  ) {
    super(message);
    this.name = "SandboxError";
  }
}

export const DEFAULT_SANDBOX_LIMITS: Readonly<SandboxLimits> = {
  timeoutMs: 1_000,
  memoryBytes: 32 * 1024 * 1024,
  maxOutputBytes: 32_768,
};

const runs = new SandboxPool();
const checks = new SandboxThread();

/** Sets how many threads run user code in this process, and one operator's share of them (defaults: sandbox-pool.ts). */
export function sizeSandbox(size: Partial<SandboxPoolSize>): void {
  runs.resize(sandboxPoolSize(size));
}

/** Runs user code on one of the pool's threads, taking turns with other operators' runs. */
export async function runUserCode(
  source: string,
  input: SandboxInput,
  limits: Partial<SandboxLimits> = {},
  operatorId = "",
): Promise<{ result: unknown; logs: string[] }> {
  const resolved = resolveLimits(limits);
  let inputJson: string;
  try {
    inputJson = JSON.stringify({ payload: input.payload, context: input.context, event: input.event });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new SandboxError("code_runtime", `the input cannot be passed to the code: ${detail}`);
  }
  const outcome = await runs
    .run(operatorId, { kind: "run", source, inputJson, limits: resolved })
    .catch((error) => {
      if (error instanceof SandboxBusyError)
        throw new SandboxError(
          "code_busy",
          `the sandbox is busy with this operator's code: ${error.message}`,
        );
      throw error;
    });
  if (!outcome.ok) throw new SandboxError(outcome.code, outcome.message, outcome.logs);
  return { result: JSON.parse(outcome.resultJson), logs: outcome.logs };
}

/** Compiles without running, for validation when an app is saved; undefined when the code compiles. */
export async function checkUserCodeSyntax(source: string): Promise<SandboxError | undefined> {
  const outcome = await checks.request({ kind: "check", source, limits: DEFAULT_SANDBOX_LIMITS });
  return outcome.ok ? undefined : new SandboxError(outcome.code, outcome.message);
}

function resolveLimits(limits: Partial<SandboxLimits>): SandboxLimits {
  return {
    timeoutMs: limits.timeoutMs ?? DEFAULT_SANDBOX_LIMITS.timeoutMs,
    memoryBytes: limits.memoryBytes ?? DEFAULT_SANDBOX_LIMITS.memoryBytes,
    maxOutputBytes: limits.maxOutputBytes ?? DEFAULT_SANDBOX_LIMITS.maxOutputBytes,
  };
}
