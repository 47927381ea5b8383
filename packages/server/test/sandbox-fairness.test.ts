import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiSession, signUp, startTestConflux, waitForRun } from "./harness.ts";

/**
 * One operator's endless loops must not hold up another operator's code: before the sandbox had a
 * pool, five `for (;;) {}` runs with a 10 s limit made another tenant's save take 49.5 s and its
 * `return 42` run 49.7 s, because every run and every syntax check shared one thread.
 */

const loopLimitMs = 10_000;
/** Well under one loop's time limit: waiting behind even one loop would take longer than this. */
const promptlyMs = 5_000;

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let looper: ApiSession;
let bystander: ApiSession;

beforeAll(async () => {
  // The smallest fair pool, whatever this machine's size: two threads, one per operator at most.
  conflux = await startTestConflux({ sandbox: { threads: 2, threadsPerOperator: 1 } });
  [looper, bystander] = await Promise.all([signUp(conflux.url), signUp(conflux.url)]);
});

// Stopping waits for the looper's runs still queued (about a minute): its own queue, nobody else's.
afterAll(async () => conflux?.cleanUp(), 120_000);

function codeApp(source: string, timeoutMs?: number) {
  return {
    name: "code",
    channels: [{ channelId: "in" }],
    actions: [
      {
        actionId: "code",
        channelId: "in",
        type: "code",
        config: { source, ...(timeoutMs ? { timeoutMs } : {}) },
      },
    ],
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

describe("the sandbox shared by operators", () => {
  it("saves and runs another operator's code promptly while one operator's five endless loops wait their turn", async () => {
    // A server that has been running has its threads started: one quick run of each operator at once
    // starts both, so what is measured below is waiting, not starting a thread under a loaded machine.
    await Promise.all(
      [looper, bystander].map(async (session) => {
        const warm = await session.call("POST", "/v1/apps", codeApp("function main() { return 1; }"));
        const sent = await session.call("POST", `/v1/apps/${warm.body.appId}/channels/in/messages`, {});
        await waitForRun(session, warm.body.appId, sent.body.executionId, 60_000);
      }),
    );

    const loops = await looper.call(
      "POST",
      "/v1/apps",
      codeApp("function main() { for (;;) {} }", loopLimitMs),
    );
    expect(loops.status, loops.text).toBe(201);
    for (let n = 0; n < 5; n++) {
      const sent = await looper.call("POST", `/v1/apps/${loops.body.appId}/channels/in/messages`, { n });
      expect(sent.status).toBe(202);
    }
    // Let the first loop take its thread.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const save = await timed(() =>
      bystander.call("POST", "/v1/apps", codeApp("function main() { return 42; }")),
    );
    expect(save.value.status, save.value.text).toBe(201);
    expect(save.ms).toBeLessThan(promptlyMs);

    const appId = save.value.body.appId as string;
    const run = await timed(async () => {
      const sent = await bystander.call("POST", `/v1/apps/${appId}/channels/in/messages`, {});
      return waitForRun(bystander, appId, sent.body.executionId, promptlyMs);
    });
    expect(run.value.steps[0]).toMatchObject({ status: "completed", result: 42 });
    expect(run.ms).toBeLessThan(promptlyMs);

    const health = await timed(() => fetch(`${conflux.url}/healthz`));
    expect(health.value.status).toBe(200);
    expect(health.ms).toBeLessThan(1_000);

    // The looper's runs are still going: the bystander did not wait for them to end.
    const { body } = await looper.call("GET", `/v1/apps/${loops.body.appId}/runs`);
    expect(body.items.some((item: { status: string }) => item.status === "running")).toBe(true);
  }, 90_000);
});
