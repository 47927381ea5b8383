import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alice, claimSoon, delivery, expectNothingClaimed, stepOf } from "../../test/bus-fixtures.ts";
import { openWithOperators, useContractDatabases } from "../../test/databases.ts";
import { natsReachable, natsUrl, useNatsPrefixes } from "../../test/nats.ts";
import type { Config } from "../conflux.ts";
import { pendingAuditRow } from "../store/audit-logs.ts";
import type { SqlStore } from "../store/sql-store.ts";
import type { Bus, NewExecution } from "./bus.ts";
import { FailedDeliveries } from "./failed-deliveries.ts";
import { NatsBus } from "./nats-bus.ts";
import { SqlBus } from "./sql-bus.ts";

// One contract for every bus: the queue tables of SQLite and PostgreSQL, and JetStream over either.
const sql = await useContractDatabases("bus-sql");
const nats = await useContractDatabases("bus-nats");
const withNats = await natsReachable();
const newPrefix = useNatsPrefixes("bus");
const logger = pino({ level: "silent" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type BusKind = "sql" | "nats";
const variants: Array<[string, Config["database"] | undefined, BusKind, string]> = [
  ["the SQL bus on SQLite", sql.databases[0]?.[1], "sql", sql.sqliteDir],
  ["the SQL bus on PostgreSQL", sql.databases[1]?.[1], "sql", sql.sqliteDir],
  ["JetStream on SQLite", withNats ? nats.databases[0]?.[1] : undefined, "nats", nats.sqliteDir],
  ["JetStream on PostgreSQL", withNats ? nats.databases[1]?.[1] : undefined, "nats", nats.sqliteDir],
];

function execution(executionId: string, dedupeKey: string | null = null): NewExecution {
  return {
    executionId,
    operatorId: alice,
    appId: "APP-A",
    channelId: "in",
    eventType: "api",
    dedupeKey,
    replayOf: null,
    appVersion: 3,
  };
}

describe.each(variants)("%s", (_name, database, kind, sqliteDir) => {
  let store: SqlStore;
  const opened: Array<{ close(): Promise<void> }> = [];

  /** A bus on the suite's store; JetStream buses with the same prefix share one stream and consumer. */
  async function openBus(options: { leaseMs?: number; prefix?: string } = {}): Promise<Bus> {
    const sqlBus = new SqlBus(store.db, database?.kind ?? "sqlite");
    if (kind === "sql") return sqlBus;
    const bus = await NatsBus.open(
      {
        url: natsUrl,
        prefix: options.prefix ?? newPrefix(),
        leaseMs: options.leaseMs ?? 60_000,
        orphanGraceMs: 2_000,
      },
      sqlBus,
      store.db,
      logger,
    );
    opened.push(bus);
    return bus;
  }

  let bus: Bus;
  beforeAll(async () => {
    if (!database) return;
    store = (await openWithOperators(database, sqliteDir)).store;
    bus = await openBus();
  });
  afterAll(async () => {
    for (const each of opened) await each.close();
    await store?.close();
  });

  it.skipIf(!database)(
    "queues, leases, retries and completes jobs with their history, atomically",
    async () => {
      expect(await bus.startExecution(execution("EXEC1", "k1"), delivery("EXEC1", ["a1"]))).toEqual({
        executionId: "EXEC1",
        duplicate: false,
      });
      const again = await bus.startExecution(execution("EXEC2", "k1"), delivery("EXEC2", ["a1"]));
      expect(again).toEqual({ executionId: "EXEC1", duplicate: true });

      const [job, ...more] = await claimSoon(bus);
      // A job comes with the app version its execution started on, for the runtime to run that version.
      expect(job).toMatchObject({ jobId: "EXEC1:a1", attempts: 1, appVersion: 3 });
      expect(more).toEqual([]);
      await expectNothingClaimed(bus, 400); // leased; the duplicate's job was never stored
      if (!job) throw new Error("no job");

      const retrying = stepOf(job, {
        status: "retrying",
        result: null,
        error: { code: "http_status", message: "503" },
      });
      await bus.retryLater(job, Date.now() + 300, retrying, {
        retryUntil: 5_000,
        destination: "https://hooks.example:443",
        tried: true,
      });
      const [retried] = await claimSoon(bus);
      expect(retried).toMatchObject({
        jobId: "EXEC1:a1",
        attempts: 2,
        appVersion: 3,
        retries: 1,
        retryUntil: 5_000,
        destination: "https://hooks.example:443",
      });
      if (!retried) throw new Error("no retry");

      const runs = store.forOperator(alice);
      expect((await runs.listExecutions("APP-A", { limit: 10 }))[0]?.status).toBe("running");
      await bus.complete(retried, stepOf(retried, { attempts: 2 }), []);
      // A second completion (an expired lease finished elsewhere) changes nothing.
      await bus.complete(retried, stepOf(retried, { status: "failed", finishedAt: 3 }), []);

      const detail = await runs.getExecution("APP-A", "EXEC1");
      expect(detail?.status).toBe("completed");
      expect(detail?.steps).toEqual([
        expect.objectContaining({ status: "completed", attempts: 2, result: { ok: true } }),
      ]);
      expect(detail?.messages[0]?.payload).toEqual({ temp: 9 });
      expect(await store.forOperator("OP0000000002").getExecution("APP-A", "EXEC1")).toBeUndefined();
      await expectNothingClaimed(bus, 400);
    },
  );

  it.skipIf(!database)(
    "commits the rows sent along with an execution, and none with a repeated dedupe key",
    async () => {
      const auditRow = (requestPath: string) =>
        pendingAuditRow({
          operatorId: "OP0000000001",
          apiKind: "/v1/apps/{appId}/channels/{channelId}/messages",
          requestPath,
          remoteIpAddress: "127.0.0.1",
          requestedTimeEpochMs: 1,
          statusCode: 202,
        });
      const first = await bus.startExecution(
        execution("ALONG1", "along"),
        delivery("ALONG1", []),
        undefined,
        [auditRow("/along/first")],
      );
      const again = await bus.startExecution(
        execution("ALONG2", "along"),
        delivery("ALONG2", []),
        undefined,
        [auditRow("/along/again")],
      );
      expect([first.duplicate, again.duplicate]).toEqual([false, true]);
      const rows = await store.db
        .selectFrom("auditLogs")
        .select("requestPath")
        .where("requestPath", "like", "/along/%")
        .execute();
      expect(rows).toEqual([{ requestPath: "/along/first" }]);
    },
  );

  it.skipIf(!database)("holds a delayed job until it is due, and gives leases back on start-up", async () => {
    const due = Date.now() + 1_000;
    await bus.startExecution(execution("EXEC3"), delivery("EXEC3", ["a1"], due));
    await expectNothingClaimed(bus, 500);
    const [job] = await claimSoon(bus);
    expect(Date.now()).toBeGreaterThanOrEqual(due);
    expect(job).toMatchObject({ jobId: "EXEC3:a1", attempts: 1 });
    await expectNothingClaimed(bus, 200);
    await bus.releaseAllLeases();
    const [again] = await claimSoon(bus);
    expect(again).toMatchObject({ jobId: "EXEC3:a1", attempts: 2 });
    if (!again) throw new Error("no job");
    await bus.complete(again, stepOf(again), []);
  });

  it.skipIf(!database)(
    "stores a completion's outputs as new jobs, delayed ones after their delay",
    async () => {
      await bus.startExecution(execution("EXEC4"), delivery("EXEC4", ["a1"]));
      const [job] = await claimSoon(bus);
      if (!job) throw new Error("no job");
      const later = Date.now() + 800;
      await bus.complete(job, stepOf(job), [
        {
          ...delivery("MSG4B", ["b1", "b2"], 0, "EXEC4"),
          message: { ...delivery("MSG4B", []).message, executionId: "EXEC4", hop: 1 },
        },
        {
          ...delivery("MSG4C", ["c1"], later, "EXEC4"),
          message: { ...delivery("MSG4C", []).message, executionId: "EXEC4", hop: 1 },
        },
      ]);
      const now = await claimSoon(bus, 2);
      expect(now.map((each) => each.jobId).sort()).toEqual(["MSG4B:b1", "MSG4B:b2"]);
      const [delayed] = await claimSoon(bus);
      expect(Date.now()).toBeGreaterThanOrEqual(later);
      expect(delayed).toMatchObject({ jobId: "MSG4C:c1", executionId: "EXEC4" });
      for (const each of [...now, ...(delayed ? [delayed] : [])]) await bus.complete(each, stepOf(each), []);
      expect((await store.forOperator(alice).getExecution("APP-A", "EXEC4"))?.status).toBe("completed");
    },
  );

  it.skipIf(!database)("hands a job whose lease ran out to another try", async () => {
    const short = await openBus({ leaseMs: 1_000 });
    await short.startExecution(execution("EXEC5"), delivery("EXEC5", ["a1"]));
    const [first] = await claimSoon(short, 1, 5_000, 1_000);
    expect(first).toMatchObject({ jobId: "EXEC5:a1", attempts: 1 });
    // The worker died: no completion, no retry. After the lease, the job comes again.
    const [second] = await claimSoon(short, 1, 5_000, 1_000);
    expect(second).toMatchObject({ jobId: "EXEC5:a1", attempts: 2 });
    if (!second) throw new Error("no second try");
    await short.complete(second, stepOf(second), []);
    expect((await store.forOperator(alice).getExecution("APP-A", "EXEC5"))?.steps).toHaveLength(1);
  });

  it.skipIf(!database)("queues a failed delivery again as the job it was", async () => {
    await bus.startExecution(execution("EXEC6"), delivery("EXEC6", ["hook"]));
    const [job] = await claimSoon(bus);
    if (!job) throw new Error("no job");
    const error = { code: "http_status", message: "500" };
    await bus.complete(job, stepOf(job, { status: "failed", result: null, error }), []);
    // Within JetStream's dedup window of the job's first message: the new one must not be taken for it.
    const announce = bus instanceof NatsBus ? bus.announce.bind(bus) : undefined;
    expect(await new FailedDeliveries(store.db, announce).replay(alice, { actionId: "hook" })).toBe(1);
    const [again] = await claimSoon(bus);
    expect(again).toMatchObject({ jobId: "EXEC6:hook", attempts: 1 });
    if (!again) throw new Error("not queued again");
    await bus.complete(again, stepOf(again), []);
    const run = await store.forOperator(alice).getExecution("APP-A", "EXEC6");
    expect(run?.steps).toEqual([expect.objectContaining({ actionId: "hook", status: "completed" })]);
  });

  it.skipIf(!database)("shares the work between two buses, each job with one of them", async () => {
    const prefix = newPrefix();
    const [one, two] =
      kind === "nats" ? [await openBus({ prefix }), await openBus({ prefix })] : [bus, await openBus()];
    if (!one || !two) throw new Error("no buses");
    for (let n = 0; n < 40; n++)
      await (n % 2 ? one : two).startExecution(execution(`SHARE${n}`), delivery(`SHARE${n}`, ["a1"]));
    const seen: [string[], string[]] = [[], []];
    const deadline = Date.now() + 10_000;
    while (seen[0].length + seen[1].length < 40 && Date.now() < deadline) {
      const claimed = await Promise.all([one.claim(7, 60_000), two.claim(7, 60_000)]);
      for (const [index, jobs] of claimed.entries())
        for (const job of jobs) {
          seen[index]?.push(job.jobId);
          await (index ? two : one).complete(job, stepOf(job), []);
        }
      await sleep(10);
    }
    const all = [...seen[0], ...seen[1]];
    expect(all).toHaveLength(40);
    expect(new Set(all).size).toBe(40);
    expect(seen[0].length).toBeGreaterThan(0);
    expect(seen[1].length).toBeGreaterThan(0);
    await expectNothingClaimed(one, 400);
    await expectNothingClaimed(two, 400);
  });

  it.skipIf(!database)(
    "counts each run an event source starts as one event of its billing day, never a replay or a repeated dedupe key",
    async () => {
      const counting = new SqlBus(store.db, database?.kind ?? "sqlite", { billingDay: () => "2026-07-31" });
      const bob = "OP0000000002";
      // Runs with jobs and runs without (a channel with no action): their counts are written apart on PostgreSQL.
      const started = (id: string, fields: Partial<NewExecution> = {}) => {
        const message = delivery(id, id.startsWith("COUNT") ? ["a1"] : []);
        return counting.startExecution(
          { ...execution(id), operatorId: bob, appId: "APP-C", ...fields },
          { ...message, message: { ...message.message, operatorId: bob, appId: "APP-C" } },
        );
      };
      // Side by side, so the writes share commits: the events of one commit are summed.
      await Promise.all([
        ...Array.from({ length: 30 }, (_, n) => started(`COUNT${n}`)),
        ...Array.from({ length: 10 }, (_, n) => started(`KEYED${n}`, { dedupeKey: `key${n % 5}` })),
        ...Array.from({ length: 4 }, (_, n) => started(`REPLAY${n}`, { replayOf: `COUNT${n}` })),
      ]);
      await started("KEYED-AGAIN", { dedupeKey: "key1" });
      const monthly = await store.db
        .selectFrom("usageCounters")
        .select(["month", "amount"])
        .where("operatorId", "=", bob)
        .where("metric", "=", "events")
        .execute();
      expect(monthly.map((row) => ({ ...row, amount: Number(row.amount) }))).toEqual([
        { month: "2026-07", amount: 35 },
      ]);
      const daily = await store.db
        .selectFrom("usageDailyCounters")
        .select(["day", "amount"])
        .where("operatorId", "=", bob)
        .execute();
      expect(daily.map((row) => ({ ...row, amount: Number(row.amount) }))).toEqual([
        { day: "2026-07-31", amount: 35 },
      ]);
    },
  );
});
