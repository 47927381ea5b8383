import {
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSWASMModule,
  Scope,
  shouldInterruptAfterDeadline,
} from "quickjs-emscripten";

/**
 * One run of user code in a fresh QuickJS runtime and context, synchronously, inside the sandbox
 * worker thread (see quickjs.ts for why a thread). Nothing of the host is reachable from the VM:
 * the input goes in as a JSON string parsed there, the result comes out as a JSON string made
 * there, and the only host function, hidden in a closure, appends log lines.
 */

export interface SandboxLimits {
  /** Default 1,000. */
  timeoutMs: number;
  /** Default 32 MiB. */
  memoryBytes: number;
  /** Of the result's JSON, in UTF-8. Default 32,768. */
  maxOutputBytes: number;
}

export type SandboxErrorCode =
  | "code_syntax"
  | "code_runtime"
  | "code_timeout"
  | "code_memory"
  | "code_output"
  /** Too many of the operator's runs wait for a thread already; the only code tried again later. */
  | "code_busy";

export type Outcome = { ok: true; resultJson: string; logs: string[] } | FailedOutcome;

export interface FailedOutcome {
  ok: false;
  code: SandboxErrorCode;
  message: string;
  logs: string[];
  /** The WebAssembly module cannot be trusted any more: the thread that ran it must be replaced. */
  fatal: boolean;
}

/** The name in QuickJS's stack traces; the prelude looks for it to find the line of an error. */
const FILE_NAME = "code.js";
/**
 * QuickJS counts only its own C stack, but every wasm frame also takes room on the thread's native
 * stack, which must not run out first (that is a host RangeError, not a catchable VM error).
 * 256 KiB is a few thousand levels of JavaScript recursion.
 */
const MAX_STACK_BYTES = 256 * 1024;
const MAX_LOG_LINES = 100;
const MAX_LOG_LINE_CHARS = 1_000;
/** Room to describe an error after the code has used up its memory limit. */
const ERROR_HEADROOM_BYTES = 1024 * 1024;

/**
 * Runs in the VM before the user's code, while the globals are still the originals: installs
 * `console` and returns `describe(thrown)`, which turns anything thrown into
 * `[name, message, line]` as JSON without letting a hostile value throw again.
 */
const PRELUDE = `(function (emit, maxChars) {
  "use strict";
  const stringify = JSON.stringify;
  const toText = String;
  const format = (value) => {
    try {
      if (typeof value === "string") return value;
      if (value instanceof Error) return toText(value);
      if (typeof value === "object" && value !== null) {
        const json = stringify(value);
        if (json !== undefined) return json;
      }
      return toText(value);
    } catch {
      return "[a value that cannot be shown]";
    }
  };
  const write = (level) => (...values) => {
    const line = values.map(format).join(" ");
    emit(level, line.length > maxChars ? line.slice(0, maxChars + 1) : line);
  };
  const lineOf = (stack) => {
    const found = /code\\.js:(\\d+)/.exec(toText(stack));
    return found ? Number(found[1]) : null;
  };
  globalThis.console = { log: write("log"), info: write("log"), debug: write("log"), warn: write("warn"), error: write("error") };
  return (thrown) => {
    try {
      if (typeof thrown === "object" && thrown !== null && typeof thrown.message === "string") {
        const line = typeof thrown.lineNumber === "number" ? thrown.lineNumber : lineOf(thrown.stack);
        return stringify([toText(thrown.name), thrown.message.slice(0, maxChars), line]);
      }
      return stringify(["", toText(thrown).slice(0, maxChars), null]);
    } catch {
      return stringify(["", "a value that cannot be shown", null]);
    }
  };
})`;

const MISSING_MAIN =
  "the code defines no function main(input); write `function main(input) { … }` and return the result from it";

/** A failure of the user's code, as opposed to a failure of the sandbox itself. */
class Failure extends Error {
  constructor(
    readonly code: SandboxErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface Thrown {
  name: string;
  message: string;
  line: number | null;
}

export function evaluateUserCode(
  quickjs: QuickJSWASMModule,
  source: string,
  inputJson: string,
  limits: SandboxLimits,
): Outcome {
  const logs = new LogLines();
  try {
    const resultJson = withFreshContext(quickjs, limits, (context, guard) =>
      runMain(context, guard, source, inputJson, limits, logs),
    );
    return { ok: true, resultJson, logs: logs.lines() };
  } catch (error) {
    return failedOutcome(error, logs.lines());
  }
}

/** Compiles without running, to check code when an app is saved. Passing code has a null result. */
export function checkSyntax(quickjs: QuickJSWASMModule, source: string, limits: SandboxLimits): Outcome {
  try {
    withFreshContext(quickjs, limits, (context, guard) => compile(context, guard, source));
    return { ok: true, resultJson: "null", logs: [] };
  } catch (error) {
    return failedOutcome(error, []);
  }
}

function failedOutcome(error: unknown, logs: string[]): FailedOutcome {
  if (error instanceof Failure)
    return { ok: false, code: error.code, message: error.message, logs, fatal: false };
  // A host exception thrown through the wasm code (the thread's native stack ran out, the module
  // aborted) leaves the module in an unknown state.
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError)
    return {
      ok: false,
      code: "code_memory",
      message: "the code nested too deeply for the sandbox's stack",
      logs,
      fatal: true,
    };
  if (/OOM|memory/i.test(detail))
    return { ok: false, code: "code_memory", message: "the sandbox ran out of memory", logs, fatal: true };
  return { ok: false, code: "code_runtime", message: `the sandbox failed: ${detail}`, logs, fatal: true };
}

/** Classifies what the VM threw; knows whether the deadline passed and can lift the memory limit a little. */
interface Guard {
  fail(thrown: QuickJSHandle, fallback: SandboxErrorCode, describe?: QuickJSHandle): Failure;
}

function withFreshContext<T>(
  quickjs: QuickJSWASMModule,
  limits: SandboxLimits,
  use: (context: QuickJSContext, guard: Guard) => T,
): T {
  const runtime = quickjs.newRuntime();
  try {
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(MAX_STACK_BYTES);
    const pastDeadline = shouldInterruptAfterDeadline(Date.now() + limits.timeoutMs);
    let interrupted = false;
    runtime.setInterruptHandler((rt) => {
      interrupted ||= pastDeadline(rt) === true;
      return interrupted;
    });
    const context = runtime.newContext();
    try {
      const guard: Guard = {
        fail(thrown, fallback, describe) {
          try {
            if (interrupted) return timedOut(limits);
            runtime.setMemoryLimit(limits.memoryBytes + ERROR_HEADROOM_BYTES);
            const description = describeThrown(context, thrown, describe);
            runtime.setMemoryLimit(limits.memoryBytes);
            if (interrupted) return timedOut(limits);
            return classify(description, fallback, limits);
          } finally {
            thrown.dispose();
          }
        },
      };
      return use(context, guard);
    } finally {
      context.dispose();
    }
  } finally {
    runtime.dispose();
  }
}

function timedOut(limits: SandboxLimits): Failure {
  return new Failure("code_timeout", `the code ran longer than its limit of ${limits.timeoutMs} ms`);
}

function classify(
  { name, message, line }: Thrown,
  fallback: SandboxErrorCode,
  limits: SandboxLimits,
): Failure {
  if (name === "InternalError" && message === "out of memory")
    return new Failure(
      "code_memory",
      `the code used more than its memory limit of ${formatBytes(limits.memoryBytes)}`,
    );
  // QuickJS throws InternalError for recursion and SyntaxError for nesting in JSON.parse.
  if (message === "stack overflow")
    return new Failure(
      "code_memory",
      "the code nested too deeply (stack overflow); look for endless recursion",
    );
  const where = line === null ? "" : ` (line ${line})`;
  if (fallback === "code_syntax") return new Failure("code_syntax", `${message}${where}`);
  return new Failure(fallback, `${name ? `${name}: ` : ""}${message}${where}`);
}

/**
 * Uses the prelude's describe() when there is one (it copes with whatever user code throws). The
 * errors from compiling and from the prelude itself are made by the engine, so reading them
 * directly is safe.
 */
function describeThrown(context: QuickJSContext, thrown: QuickJSHandle, describe?: QuickJSHandle): Thrown {
  if (describe) {
    const described = context.callFunction(describe, context.undefined, thrown);
    if (described.error) {
      described.error.dispose();
      return { name: "", message: "a value that cannot be shown", line: null };
    }
    const [name, message, line] = JSON.parse(described.value.consume(context.getString)) as [
      string,
      string,
      number | null,
    ];
    return { name, message, line };
  }
  const dumped: unknown = context.dump(thrown);
  if (typeof dumped === "object" && dumped !== null) {
    const { name, message, lineNumber } = dumped as {
      name?: unknown;
      message?: unknown;
      lineNumber?: unknown;
    };
    return {
      name: typeof name === "string" ? name : "",
      message: typeof message === "string" ? message : String(dumped),
      line: typeof lineNumber === "number" ? lineNumber : null,
    };
  }
  return { name: "", message: String(dumped), line: null };
}

function compile(context: QuickJSContext, guard: Guard, source: string): void {
  const compiled = context.evalCode(source, FILE_NAME, { type: "global", compileOnly: true });
  if (compiled.error) throw guard.fail(compiled.error, "code_syntax");
  compiled.value.dispose();
}

function runMain(
  context: QuickJSContext,
  guard: Guard,
  source: string,
  inputJson: string,
  limits: SandboxLimits,
  logs: LogLines,
): string {
  compile(context, guard, source);
  return Scope.withScope((scope) => {
    let describe: QuickJSHandle | undefined;
    const call = (
      fn: QuickJSHandle,
      thisValue: QuickJSHandle,
      args: QuickJSHandle[],
      onError: SandboxErrorCode,
    ) => {
      const result = context.callFunction(fn, thisValue, args);
      if (result.error) throw guard.fail(result.error, onError, describe);
      return scope.manage(result.value);
    };
    const json = scope.manage(context.getProp(context.global, "JSON"));
    const parse = scope.manage(context.getProp(json, "parse"));
    const stringify = scope.manage(context.getProp(json, "stringify"));

    const prelude = context.evalCode(PRELUDE, "conflux-prelude.js", { type: "global" });
    if (prelude.error) throw guard.fail(prelude.error, "code_runtime");
    scope.manage(prelude.value);
    const emit = scope.manage(
      context.newFunction("emit", (level, line) => {
        logs.add(context.getString(level), context.getString(line));
      }),
    );
    const maxChars = scope.manage(context.newNumber(MAX_LOG_LINE_CHARS));
    describe = call(prelude.value, context.undefined, [emit, maxChars], "code_runtime");

    const input = call(parse, json, [scope.manage(context.newString(inputJson))], "code_runtime");

    const evaluated = context.evalCode(source, FILE_NAME, { type: "global" });
    if (evaluated.error) throw guard.fail(evaluated.error, "code_runtime", describe);
    scope.manage(evaluated.value);
    // A `const main` or `let main` at the top level is not a property of globalThis, so ask by name.
    const found = context.evalCode('typeof main === "function" ? main : undefined', "conflux-main.js", {
      type: "global",
    });
    if (found.error) throw guard.fail(found.error, "code_runtime", describe);
    const main = scope.manage(found.value);
    if (context.typeof(main) !== "function") throw new Failure("code_runtime", MISSING_MAIN);

    const returned = call(main, context.undefined, [input], "code_runtime");
    const result = settle(context, returned, guard, describe);
    if (result !== returned) scope.manage(result);

    if (context.typeof(result) === "undefined") return "null";
    const text = call(stringify, json, [result], "code_output");
    if (context.typeof(text) !== "string")
      throw new Failure(
        "code_output",
        `main returned a ${context.typeof(result)}, which cannot be turned into JSON`,
      );
    const resultJson = context.getString(text);
    const size = Buffer.byteLength(resultJson);
    if (size > limits.maxOutputBytes)
      throw new Failure(
        "code_output",
        `the result is ${formatBytes(size)} of JSON, more than the limit of ${formatBytes(limits.maxOutputBytes)}`,
      );
    return resultJson;
  });
}

/** Runs the VM's job queue until a returned promise settles; the interrupt handler bounds the time. */
function settle(
  context: QuickJSContext,
  returned: QuickJSHandle,
  guard: Guard,
  describe: QuickJSHandle,
): QuickJSHandle {
  for (;;) {
    const state = context.getPromiseState(returned);
    if (state.type === "fulfilled") return state.value;
    if (state.type === "rejected") throw guard.fail(state.error, "code_runtime", describe);
    const jobs = context.runtime.executePendingJobs();
    if (jobs.error) throw guard.fail(jobs.error, "code_runtime", describe);
    if (jobs.value === 0)
      throw new Failure(
        "code_runtime",
        "main returned a promise that never settles (the sandbox has no timers or I/O to wait for)",
      );
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
  return `${bytes.toLocaleString("en-US")} bytes`;
}

/** At most MAX_LOG_LINES lines of at most MAX_LOG_LINE_CHARS characters; the last line counts what was dropped. */
class LogLines {
  readonly #lines: string[] = [];
  #dropped = 0;

  add(level: string, text: string): void {
    if (this.#lines.length >= MAX_LOG_LINES) {
      this.#dropped++;
      return;
    }
    const line = level === "log" ? text : `[${level}] ${text}`;
    this.#lines.push(line.length > MAX_LOG_LINE_CHARS ? `${line.slice(0, MAX_LOG_LINE_CHARS - 1)}…` : line);
  }

  lines(): string[] {
    if (this.#dropped === 0) return [...this.#lines];
    return [...this.#lines.slice(0, MAX_LOG_LINES - 1), `… ${this.#dropped + 1} more log lines were dropped`];
  }
}
