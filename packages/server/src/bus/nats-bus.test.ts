import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alice, claimSoon, delivery, expectNothingClaimed, stepOf } from "../../test/bus-fixtures.ts";
import { createPostgresSchema, openWithOperators } from "../../test/databases.ts";
import { natsReachable, natsUrl, useNatsPrefixes } from "../../test/nats.ts";
import { OperatorSuspensions } from "../store/operator-suspensions.ts";
import type { SqlStore } from "../store/sql-store.ts";
import { type Job, parkedAt } from "./bus.ts";
import { DestinationBreakers } from "./destination-breakers.ts";
import { type AnnounceJobs, FailedDeliveries } from "./failed-deliveries.ts";
import { NatsBus, type NatsBusOptions, natsNames } from "./nats-bus.ts";
import { SqlBus } from "./sql-bus.ts";

// What only the JetStream bus does: parked jobs woken by whoever releases them, steps whose commit
// outlasts the ack wait, and replays that a crash cannot cut in half. On PostgreSQL, which several
// instances share.
const postgres = await createPostgresSchema();
const reachable = postgres !== undefined && (await natsReachable());
const newPrefix = useNatsPrefixes("natsbus");
const logger = pino({ level: "silent" });
const destination = "https://hooks.example:443";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A run of one message with one job, `<id>:hook`. */
function queue(bus: NatsBus, id: string) {
  const execution = { executionId: id, operatorId: alice, appId: "APP-A", channelId: "in", eventType: "api" };
  return bus.startExecution({ ...execution, dedupeKey: null, replayOf: null }, delivery(id, ["hook"]));
}

describe("the JetStream bus on PostgreSQL", () => {
  let store: SqlStore;
  const opened: NatsBus[] = [];

  async function openBus(options: Partial<NatsBusOptions> = {}): Promise<NatsBus> {
    const sql = new SqlBus(store.db, "postgres");
    // Parked jobs are never looked at again by themselves within a test: only a wake-up brings them back.
    const bus = await NatsBus.open(
      {
        url: natsUrl,
        prefix: newPrefix(),
        leaseMs: 60_000,
        orphanGraceMs: 1_000,
        parkedRecheckMs: 600_000,
        ...options,
      },
      sql,
      store.db,
      logger,
    );
    opened.push(bus);
    return bus;
  }

  async function start(bus: NatsBus, id: string): Promise<Job> {
    await queue(bus, id);
    const [job] = await claimSoon(bus);
    if (!job) throw new Error(`no job for ${id}`);
    return job;
  }

  /** Announces, then holds the transaction a while: the announcement is delivered before the release commits. */
  const slowToCommit = (bus: NatsBus) => async (jobs: Array<{ jobId: string; operatorId: string }>) => {
    await bus.announce(jobs);
    await sleep(500);
  };

  async function park(bus: NatsBus, job: Job): Promise<void> {
    const waiting = stepOf(job, { status: "retrying", result: null });
    await bus.retryLater(job, parkedAt, waiting, {
      retryUntil: Date.now() + 600_000,
      destination,
      tried: true,
    });
  }

  beforeAll(async () => {
    if (!reachable || postgres?.database.kind !== "postgres") return;
    store = (await openWithOperators(postgres.database, "")).store;
  });
  afterAll(async () => {
    for (const bus of opened) await bus.close();
    await store?.close();
    await postgres?.drop();
  });

  it.skipIf(!reachable)("wakes a job parked behind a breaker when the breaker releases it", async () => {
    const bus = await openBus();
    const job = await start(bus, "PARK1");
    await park(bus, job);
    await expectNothingClaimed(bus, 600);
    const breakers = new DestinationBreakers(
      store.db,
      { failuresToOpen: 1, firstWaitMs: 60_000, maxWaitMs: 60_000 },
      slowToCommit(bus),
    );
    expect(await breakers.failed(alice, destination)).toBe(true);
    const [[woken]] = await Promise.all([claimSoon(bus), breakers.answered(alice, destination)]);
    expect(woken).toMatchObject({ jobId: "PARK1:hook", attempts: 2 });
    if (!woken) throw new Error("not woken");
    await bus.complete(woken, stepOf(woken), []);
    await expectNothingClaimed(bus, 600);
  });

  it.skipIf(!reachable)(
    "runs a job whose message came before its own commit when the commit ends, not after a redelivery",
    async () => {
      const prefix = newPrefix();
      const bus = await openBus({ prefix });
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const execution = { executionId: "EARLY1", operatorId: alice, appId: "APP-A", channelId: "in" };
      // JetStream delivers the job's message at once; the transaction that writes the job waits.
      const started = bus.startExecution(
        { ...execution, eventType: "api", dedupeKey: null, replayOf: null },
        delivery("EARLY1", ["hook"]),
        () => held,
      );
      await expectNothingClaimed(bus, 600);
      release();
      await started;
      const [job] = await claimSoon(bus);
      expect(job).toMatchObject({ jobId: "EARLY1:hook", attempts: 1 });
      if (!job) throw new Error("no job");
      const nats = await connect({ servers: natsUrl });
      try {
        const names = natsNames(prefix);
        const info = await (await jetstreamManager(nats)).consumers.info(names.stream, names.consumer);
        // The message that came early waited here: JetStream delivered it once.
        expect(info.num_redelivered).toBe(0);
      } finally {
        await nats.close();
      }
      await bus.complete(job, stepOf(job), []);
    },
  );

  it.skipIf(!reachable)("wakes a parked job let through as a breaker's probe", async () => {
    const bus = await openBus();
    const job = await start(bus, "PROBE1");
    await park(bus, job);
    const breakers = new DestinationBreakers(
      store.db,
      { failuresToOpen: 1, firstWaitMs: 1, maxWaitMs: 1 },
      (jobs) => bus.announce(jobs),
    );
    await breakers.failed(alice, destination);
    await sleep(5);
    expect(await breakers.releaseProbes()).toBe(1);
    const [probe] = await claimSoon(bus);
    expect(probe).toMatchObject({ jobId: "PROBE1:hook" });
    if (!probe) throw new Error("no probe");
    await bus.complete(probe, stepOf(probe), []);
    await breakers.answered(alice, destination);
  });

  it.skipIf(!reachable)("wakes a suspended operator's jobs when it is resumed", async () => {
    const bus = await openBus();
    const suspensions = new OperatorSuspensions(store.db, "postgres", slowToCommit(bus));
    await queue(bus, "HELD1");
    expect(await suspensions.suspend(alice, { reason: "other" }, Date.now())).toBe(true);
    // Its message arrives and goes back to wait: the job is set aside.
    await expectNothingClaimed(bus, 600);
    const [[resumed], back] = await Promise.all([claimSoon(bus), suspensions.resume(alice, Date.now())]);
    expect(back).toBe(true);
    expect(resumed).toMatchObject({ jobId: "HELD1:hook", attempts: 1 });
    if (!resumed) throw new Error("not resumed");
    await bus.complete(resumed, stepOf(resumed), []);
  });

  it.skipIf(!reachable)(
    "keeps a step's message with its worker while the commit waits past the ack wait",
    { timeout: 30_000 },
    async () => {
      if (postgres?.database.kind !== "postgres") throw new Error("no PostgreSQL");
      const prefix = newPrefix();
      const leaseMs = 1_500;
      const one = await openBus({ prefix, leaseMs });
      const two = await openBus({ prefix, leaseMs });
      await queue(one, "SLOW1");
      const [job] = await claimSoon(one, 1, 5_000, leaseMs);
      if (!job) throw new Error("no job");
      // The test holds the steps table: the step's commit waits for it, three ack waits long.
      const locker = new pg.Client({ connectionString: postgres.database.url });
      await locker.connect();
      await locker.query("begin");
      await locker.query("lock table steps in share mode");
      const committed = one.complete(job, stepOf(job), []);
      // Another instance asks for work all along.
      const seenByTwo: Job[] = [];
      let asking = true;
      const asker = (async () => {
        while (asking) {
          seenByTwo.push(...(await two.claim(100, leaseMs)));
          await sleep(20);
        }
      })();
      await sleep(3 * leaseMs);
      const nats = await connect({ servers: natsUrl });
      const names = natsNames(prefix);
      const manager = await jetstreamManager(nats);
      const info = () => manager.consumers.info(names.stream, names.consumer);
      // JetStream handed the message to nobody else meanwhile.
      expect((await info()).num_redelivered).toBe(0);
      await locker.query("commit");
      await locker.end();
      await committed;
      // Acknowledged once stored, not left for JetStream to hand out after the ack wait.
      const deadline = Date.now() + 3_000;
      let after = await info();
      while (after.num_ack_pending + after.num_pending > 0 && Date.now() < deadline) {
        await sleep(50);
        after = await info();
      }
      expect(after.num_ack_pending + after.num_pending).toBe(0);
      expect(after.num_redelivered).toBe(0);
      await nats.close();
      await sleep(2 * leaseMs);
      asking = false;
      await asker;
      expect(seenByTwo).toEqual([]);
      const run = await store.forOperator(alice).getExecution("APP-A", "SLOW1");
      expect(run?.steps).toEqual([expect.objectContaining({ status: "completed", attempts: 1 })]);
    },
  );

  it.skipIf(!reachable)(
    "replays a failed delivery exactly once although the instance died while replaying",
    { timeout: 30_000 },
    async () => {
      const prefix = newPrefix();
      const first = await openBus({ prefix });
      const job = await start(first, "REPLAY1");
      const error = { code: "http_status", message: "500" };
      await first.complete(job, stepOf(job, { status: "failed", result: null, error }), []);
      const replays = (announce: AnnounceJobs) => new FailedDeliveries(store.db, announce);
      // The process dies after the replay is stored and before its job reaches JetStream...
      await expect(
        replays(async () => {
          throw new Error("killed before publishing");
        }).replay(alice, { actionId: "hook" }),
      ).rejects.toThrow("killed");
      // ...or after its job reached JetStream and before the replay was stored.
      await expect(
        replays(async (jobs) => {
          await first.announce(jobs);
          throw new Error("killed before committing");
        }).replay(alice, { actionId: "hook" }),
      ).rejects.toThrow("killed");
      await first.close();
      // Neither left half a replay: the delivery still shows failed, and replaying it again (after a restart) works.
      const run = await store.forOperator(alice).getExecution("APP-A", "REPLAY1");
      expect(run?.steps).toEqual([expect.objectContaining({ status: "failed" })]);
      const restarted = await openBus({ prefix });
      expect(await replays((jobs) => restarted.announce(jobs)).replay(alice, { actionId: "hook" })).toBe(1);
      const [again] = await claimSoon(restarted);
      expect(again).toMatchObject({ jobId: "REPLAY1:hook", attempts: 1 });
      if (!again) throw new Error("the replay was lost");
      await restarted.complete(again, stepOf(again), []);
      // The message of the cut-off try is dropped once its grace is over: the replay ran once.
      await expectNothingClaimed(restarted, 2_500);
      const replayed = await store.forOperator(alice).getExecution("APP-A", "REPLAY1");
      expect(replayed?.steps).toEqual([expect.objectContaining({ status: "completed", attempts: 1 })]);
    },
  );
});
