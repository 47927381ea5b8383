import { describe, expect, it } from "vitest";
import { checkUserCodeSyntax, runUserCode, SandboxError, type SandboxInput } from "./quickjs.ts";

const input: SandboxInput = {
  payload: { temperature: 21.5, values: [1, 2, 6] },
  context: { deviceId: "dev-1" },
  event: { eventType: "api" },
};

async function failure(promise: Promise<unknown>): Promise<SandboxError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof SandboxError)) throw new Error(`expected a SandboxError, got ${String(error)}`);
  return error;
}

async function expectWorking(): Promise<void> {
  await expect(runUserCode("function main() { return 'still here'; }", input)).resolves.toEqual({
    result: "still here",
    logs: [],
  });
}

describe("running user code", () => {
  it("returns what main computes from the payload, context and event", async () => {
    const source = `function main({ payload, context, event }) {
      const sum = payload.values.reduce((a, b) => a + b, 0);
      return { average: sum / payload.values.length, hot: payload.temperature > 20, device: context.deviceId, via: event.eventType };
    }`;
    await expect(runUserCode(source, input)).resolves.toEqual({
      result: { average: 3, hot: true, device: "dev-1", via: "api" },
      logs: [],
    });
  });

  it("finds main declared with const, and turns undefined into null", async () => {
    await expect(
      runUserCode("const main = (input) => input.payload.temperature * 2;", input),
    ).resolves.toMatchObject({
      result: 43,
    });
    await expect(runUserCode("function main() {}", input)).resolves.toMatchObject({ result: null });
  });

  it("awaits an async main", async () => {
    const source = `async function main(input) {
      const doubled = await Promise.resolve(input.payload.temperature).then((t) => t * 2);
      await null;
      return [doubled, await Promise.all([1, Promise.resolve(2)])];
    }`;
    await expect(runUserCode(source, input)).resolves.toMatchObject({ result: [43, [1, 2]] });
  });

  it("gives main a copy of the input, not the host's objects", async () => {
    const payload = { list: [1] };
    await runUserCode("function main(input) { input.payload.list.push(2); input.payload.extra = true; }", {
      ...input,
      payload,
    });
    expect(payload).toEqual({ list: [1] });
  });

  it("captures console output, marking warnings and errors", async () => {
    const source = `function main() {
      console.log("reading", 42, { a: 1 }, [1, "x"], null, undefined);
      console.info("info"); console.debug("debug");
      console.warn("careful"); console.error(new TypeError("bad"));
      return 1;
    }`;
    const { logs } = await runUserCode(source, input);
    expect(logs).toEqual([
      'reading 42 {"a":1} [1,"x"] null undefined',
      "info",
      "debug",
      "[warn] careful",
      "[error] TypeError: bad",
    ]);
  });

  it("cuts log lines at 1,000 characters and keeps at most 100 lines", async () => {
    const long = await runUserCode("function main() { console.log('x'.repeat(1e6)); }", input);
    expect(long.logs[0]).toHaveLength(1_000);
    expect(long.logs[0]?.endsWith("…")).toBe(true);

    const many = await runUserCode(
      "function main() { for (let i = 0; i < 1000; i++) console.log('line ' + i); }",
      input,
    );
    expect(many.logs).toHaveLength(100);
    expect(many.logs[98]).toBe("line 98");
    expect(many.logs[99]).toBe("… 901 more log lines were dropped");
  });

  it("keeps the logs of code that fails", async () => {
    const error = await failure(
      runUserCode("function main() { console.log('before'); throw new Error('after'); }", input),
    );
    expect(error.logs).toEqual(["before"]);
  });
});

describe("errors in user code", () => {
  it("reports a syntax error with QuickJS's message and the line", async () => {
    const error = await failure(runUserCode("function main(input) {\n  return input.payload.;\n}", input));
    expect(error.code).toBe("code_syntax");
    expect(error.message).toMatch(/^expecting field name \(line 2\)$/);
  });

  it("reports a thrown error with its message and line", async () => {
    const error = await failure(
      runUserCode("function main(input) {\n  const x = 1;\n  return input.payload.missing.deeper;\n}", input),
    );
    expect(error.code).toBe("code_runtime");
    expect(error.message).toBe("TypeError: cannot read property 'deeper' of undefined (line 3)");
  });

  it("reports thrown values that are not errors, and rejected promises", async () => {
    await expect(
      failure(runUserCode("function main() { throw 'plain text'; }", input)),
    ).resolves.toMatchObject({
      code: "code_runtime",
      message: "plain text",
    });
    await expect(
      failure(runUserCode("async function main() { await null; throw new RangeError('too far'); }", input)),
    ).resolves.toMatchObject({
      code: "code_runtime",
      message: expect.stringContaining("RangeError: too far"),
    });
  });

  it("explains a missing main", async () => {
    const error = await failure(runUserCode("function handler(input) { return input; }", input));
    expect(error.code).toBe("code_runtime");
    expect(error.message).toContain("function main(input)");
  });

  it("explains a promise that can never settle", async () => {
    const error = await failure(runUserCode("function main() { return new Promise(() => {}); }", input));
    expect(error.code).toBe("code_runtime");
    expect(error.message).toContain("never settles");
  });

  it("refuses a result larger than maxOutputBytes", async () => {
    const error = await failure(runUserCode("function main() { return 'x'.repeat(40000); }", input));
    expect(error.code).toBe("code_output");
    expect(error.message).toContain("32,768 bytes");
    await expect(
      runUserCode("function main() { return 'x'.repeat(40000); }", input, { maxOutputBytes: 50_000 }),
    ).resolves.toBeDefined();
  });

  it("refuses a result that is not JSON", async () => {
    await expect(failure(runUserCode("function main() { return () => 1; }", input))).resolves.toMatchObject({
      code: "code_output",
      message: expect.stringContaining("function"),
    });
    await expect(
      failure(runUserCode("function main() { const a = {}; a.a = a; return a; }", input)),
    ).resolves.toMatchObject({ code: "code_output" });
  });
});

describe("the sandbox's limits", () => {
  it("stops an endless loop at the time limit", async () => {
    const started = Date.now();
    const error = await failure(runUserCode("function main() { for (;;) {} }", input, { timeoutMs: 200 }));
    expect(error.code).toBe("code_timeout");
    expect(error.message).toContain("200 ms");
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("stops an endless loop in an awaited promise, and one that catches everything", async () => {
    await expect(
      failure(runUserCode("async function main() { await null; for (;;) {} }", input, { timeoutMs: 200 })),
    ).resolves.toMatchObject({ code: "code_timeout" });
    await expect(
      failure(
        runUserCode("function main() { for (;;) { try { for (;;) {} } catch {} } }", input, {
          timeoutMs: 200,
        }),
      ),
    ).resolves.toMatchObject({ code: "code_timeout" });
  });

  it("stops a regular expression that backtracks forever, where QuickJS does not look at the clock", async () => {
    const started = Date.now();
    const error = await failure(
      runUserCode("function main() { return /(a*)*b/.test('a'.repeat(40)); }", input, { timeoutMs: 100 }),
    );
    expect(error.code).toBe("code_timeout");
    expect(Date.now() - started).toBeLessThan(5_000);
    await expectWorking();
  });

  it("stops an allocation loop at the memory limit", async () => {
    // Allocating 32 MiB in small arrays takes QuickJS about a second: give it the time.
    const error = await failure(
      runUserCode("function main() { const a = []; while (true) a.push(new Array(1e6)); }", input, {
        timeoutMs: 10_000,
      }),
    );
    expect(error.code).toBe("code_memory");
    expect(error.message).toContain("32 MiB");
    await expectWorking();
  });

  it("stops a string that doubles until it does not fit", async () => {
    const error = await failure(runUserCode("function main() { let s = 'x'; for (;;) s += s; }", input));
    expect(error.code).toBe("code_memory");
  });

  it("turns deep recursion into an error, not a crash", async () => {
    const error = await failure(
      runUserCode("function main() { const f = (n) => f(n + 1) + 1; return f(0); }", input),
    );
    expect(error.code).toBe("code_memory");
    expect(error.message).toContain("stack overflow");
    await expectWorking();
  });

  it("turns deeply nested JSON into an error, not a crash", async () => {
    const error = await failure(
      runUserCode("function main() { return JSON.parse('['.repeat(1e6)); }", input),
    );
    expect(error.code).toBe("code_memory");
    await expectWorking();
  });

  it("survives code nested so deeply that QuickJS's parser exhausts the thread's stack", async () => {
    const error = await failure(runUserCode(`${"(".repeat(100_000)}1${")".repeat(100_000)}`, input));
    expect(error.code).toBe("code_memory");
    await expectWorking();
  });

  it("leaves the server's event loop free while user code runs", async () => {
    const running = failure(runUserCode("function main() { for (;;) {} }", input, { timeoutMs: 500 }));
    // A timer set after the call fires before the endless loop is stopped only if the loop runs elsewhere.
    const tick = new Promise((resolve) => setTimeout(() => resolve("timer fired"), 0));
    await expect(Promise.race([tick, running.then(() => "user code stopped")])).resolves.toBe("timer fired");
    await expect(running).resolves.toMatchObject({ code: "code_timeout" });
  });

  it("keeps working over 200 runs", async () => {
    for (let i = 0; i < 200; i++) {
      const { result } = await runUserCode(
        "function main(input) { const big = new Array(10000).fill(input.payload.n); return big.length + input.payload.n; }",
        { ...input, payload: { n: i } },
      );
      expect(result).toBe(10_000 + i);
    }
  });

  it("runs requests made at the same time, each with its own result", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        runUserCode("function main(input) { return input.payload * 2; }", { ...input, payload: n }),
      ),
    );
    expect(results.map(({ result }) => result)).toEqual(Array.from({ length: 20 }, (_, n) => n * 2));
  });
});

describe("what user code can reach", () => {
  it("has no process, require, fetch, timers or WebAssembly", async () => {
    const source = `function main() {
      return [typeof process, typeof require, typeof fetch, typeof setTimeout, typeof WebAssembly, typeof module, typeof std, typeof os];
    }`;
    const { result } = await runUserCode(source, input);
    expect(result).toEqual(Array(8).fill("undefined"));
  });

  it("gets only the VM's own global through the Function constructor", async () => {
    const source = `function main() {
      const escaped = this.constructor.constructor("return globalThis")();
      const viaConsole = console.log.constructor("return this")();
      return {
        same: escaped === globalThis && viaConsole === globalThis,
        process: typeof escaped.process,
        names: Object.getOwnPropertyNames(escaped).filter((name) => !STANDARD.includes(name)),
      };
    }
    const STANDARD = ${JSON.stringify(STANDARD_GLOBALS)};`;
    const { result } = await runUserCode(source, input);
    expect(result).toEqual({ same: true, process: "undefined", names: ["console", "main"] });
  });
});

describe("checking syntax when an app is saved", () => {
  it("accepts code that compiles, without running it", async () => {
    // Run, the endless loop would end in code_timeout instead.
    await expect(checkUserCodeSyntax("for (;;) {}\nfunction main() { return 1; }")).resolves.toBeUndefined();
  });

  it("returns the syntax error with its line", async () => {
    const error = await checkUserCodeSyntax("function main() {\n  return 1 +;\n}");
    expect(error).toBeInstanceOf(SandboxError);
    expect(error?.code).toBe("code_syntax");
    expect(error?.message).toContain("(line 2)");
  });
});

const STANDARD_GLOBALS = [
  "Object",
  "Function",
  "Error",
  "EvalError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "TypeError",
  "URIError",
  "InternalError",
  "AggregateError",
  "Array",
  "parseInt",
  "parseFloat",
  "isNaN",
  "isFinite",
  "decodeURI",
  "decodeURIComponent",
  "encodeURI",
  "encodeURIComponent",
  "escape",
  "unescape",
  "Infinity",
  "NaN",
  "undefined",
  "Number",
  "Boolean",
  "String",
  "Math",
  "Reflect",
  "Symbol",
  "eval",
  "globalThis",
  "Date",
  "RegExp",
  "JSON",
  "Proxy",
  "Map",
  "Set",
  "WeakMap",
  "WeakSet",
  "ArrayBuffer",
  "SharedArrayBuffer",
  "Uint8ClampedArray",
  "Int8Array",
  "Uint8Array",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "BigInt64Array",
  "BigUint64Array",
  "Float32Array",
  "Float64Array",
  "DataView",
  "Promise",
  "BigInt",
];
