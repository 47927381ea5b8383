import { Worker } from "node:worker_threads";
import type { Outcome, SandboxErrorCode, SandboxLimits } from "./evaluate.ts";
import type { WorkerMessage, WorkerRequest } from "./worker.ts";

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
 * Why a worker thread: QuickJS runs synchronously, so on the main thread every run would stall the
 * server's event loop, and the interrupt handler is not consulted everywhere — a backtracking
 * regular expression such as `/(a*)*b/.test("a".repeat(30))` runs on inside the engine, ignoring
 * it. The thread can be terminated from outside when a run overruns its time limit by a margin,
 * and is replaced, as it is when the engine breaks (a host RangeError from the wasm stack).
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

/** How long past its own time limit a run may take (cleaning up included) before its thread is killed. */
const OVERRUN_GRACE_MS = 1_000;
const WORKER_URL = new URL("./worker-entry.mjs", import.meta.url);

export async function runUserCode(
  source: string,
  input: SandboxInput,
  limits: Partial<SandboxLimits> = {},
): Promise<{ result: unknown; logs: string[] }> {
  const resolved = resolveLimits(limits);
  let inputJson: string;
  try {
    inputJson = JSON.stringify({ payload: input.payload, context: input.context, event: input.event });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new SandboxError("code_runtime", `the input cannot be passed to the code: ${detail}`);
  }
  const outcome = await sandboxThread.request({ kind: "run", source, inputJson, limits: resolved });
  if (!outcome.ok) throw new SandboxError(outcome.code, outcome.message, outcome.logs);
  return { result: JSON.parse(outcome.resultJson), logs: outcome.logs };
}

/** Compiles without running, for validation when an app is saved; undefined when the code compiles. */
export async function checkUserCodeSyntax(source: string): Promise<SandboxError | undefined> {
  const outcome = await sandboxThread.request({ kind: "check", source, limits: DEFAULT_SANDBOX_LIMITS });
  return outcome.ok ? undefined : new SandboxError(outcome.code, outcome.message);
}

function resolveLimits(limits: Partial<SandboxLimits>): SandboxLimits {
  return {
    timeoutMs: limits.timeoutMs ?? DEFAULT_SANDBOX_LIMITS.timeoutMs,
    memoryBytes: limits.memoryBytes ?? DEFAULT_SANDBOX_LIMITS.memoryBytes,
    maxOutputBytes: limits.maxOutputBytes ?? DEFAULT_SANDBOX_LIMITS.maxOutputBytes,
  };
}

type Settle = (event: { outcome: Outcome } | { error: Error }) => void;

/**
 * The worker thread that runs user code, one request at a time in arrival order. It is started on
 * first use, holds the process open only while it works, and is replaced after it was killed for
 * overrunning or has crashed.
 */
class SandboxThread {
  /** The current thread, from the moment it is created; `#ready` settles once QuickJS is loaded in it. */
  #worker: Worker | undefined;
  #ready: Promise<Worker> | undefined;
  #settle: Settle | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  request(request: WorkerRequest): Promise<Outcome> {
    const outcome = this.#queue.then(() => this.#send(request));
    this.#queue = outcome.catch(() => undefined);
    return outcome;
  }

  async #send(request: WorkerRequest): Promise<Outcome> {
    const worker = await this.#start();
    worker.ref();
    try {
      return await new Promise<Outcome>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.#settle = undefined;
          this.#discard(worker);
          const message = `the code ran longer than its limit of ${request.limits.timeoutMs} ms and was stopped`;
          resolve({ ok: false, code: "code_timeout", message, logs: [], fatal: true });
        }, request.limits.timeoutMs + OVERRUN_GRACE_MS);
        this.#settle = (event) => {
          clearTimeout(timer);
          this.#settle = undefined;
          if ("error" in event) return reject(event.error);
          if (!event.outcome.ok && event.outcome.fatal) this.#discard(worker);
          resolve(event.outcome);
        };
        worker.postMessage(request);
      });
    } finally {
      worker.unref();
    }
  }

  #start(): Promise<Worker> {
    if (this.#ready) return this.#ready;
    // Not unref'd while starting: a process waiting only for this request must not exit meanwhile.
    const worker = new Worker(WORKER_URL);
    this.#worker = worker;
    this.#ready = new Promise<Worker>((resolve, reject) => {
      let loaded = false;
      worker.on("message", (message: WorkerMessage) => {
        if (this.#worker !== worker) return;
        if (message !== "ready") this.#settle?.({ outcome: message });
        else {
          loaded = true;
          resolve(worker);
        }
      });
      // An error event is followed by an exit event; the first one settles a waiting request.
      const stopped = (error: Error) => {
        if (this.#worker !== worker) return; // discarded already
        this.#worker = undefined;
        this.#ready = undefined;
        if (loaded) this.#settle?.({ error });
        else reject(error);
      };
      worker.on("error", stopped);
      worker.on("exit", (exitCode) =>
        stopped(new Error(`the sandbox thread stopped (exit code ${exitCode})`)),
      );
    });
    return this.#ready;
  }

  #discard(worker: Worker): void {
    if (this.#worker === worker) {
      this.#worker = undefined;
      this.#ready = undefined;
    }
    void worker.terminate();
  }
}

const sandboxThread = new SandboxThread();
