import { EventEmitter } from "node:events";
import {
  AckPolicy,
  type Consumer,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Database } from "../store/schema.ts";
import type { StepRecord } from "../store/store.ts";
import {
  type Bus,
  type Delivery,
  type Job,
  type NewExecution,
  type RetryPlan,
  setAsideBy,
  type TakeToPublish,
  type WriteWithExecution,
  type WriteWithStep,
} from "./bus.ts";
import { leaseDueJobs } from "./lease-jobs.ts";
import type { PendingRow } from "./rows-insert.ts";
import type { SqlBus } from "./sql-bus.ts";

export interface NatsBusOptions {
  /** `nats://host:port` of a server with JetStream. */
  url: string;
  /** Names this install's stream, consumer and subjects, so several installs (or tests) share one server. */
  prefix: string;
  /** JetStream's ack wait: a job not acknowledged by then goes to another worker (the SQL lease's length). */
  leaseMs: number;
  /**
   * How long the message of a parked job (behind an open circuit breaker, or of a suspended operator)
   * waits before it is looked at again when nothing woke it. Only a safety net: what releases parked
   * jobs announces them (`announce`), so this is long and idle parked jobs cost no queries.
   */
  parkedRecheckMs?: number;
  /**
   * A message whose job row is missing is kept this long: its transaction may not have committed yet.
   * Older, the job was done (a redelivery after a crash) or never committed (a failed request).
   */
  orphanGraceMs?: number;
}

const nanos = (ms: number) => ms * 1_000_000;

/** Marks a message published for a job written (or made due) outside the bus, inside the transaction that does it. */
const announcedHeader = "Conflux-Announced";

/**
 * A message that may be early for its transaction's commit comes again soon, then less often (0.1 s, 0.2 s,
 * 0.4 s, … 1 s): a slow commit costs its job little latency, a true orphan a redelivery a second.
 */
const soon = (message: JsMsg) => Math.min(100 * 2 ** (message.info.deliveryCount - 1), 1_000);

/** The job of each action a delivery's message goes to (the SQL bus names its rows the same way). */
function jobsOf(deliveries: Delivery[]): Array<{ jobId: string; operatorId: string }> {
  return deliveries.flatMap(({ message, actionIds }) =>
    actionIds.map((actionId) => ({
      jobId: `${message.messageId}:${actionId}`,
      operatorId: message.operatorId,
    })),
  );
}

/** A job this process's worker holds, and the message JetStream delivered it with. */
interface Lease {
  message: JsMsg;
  until: number;
  /** Its step is being stored: kept (and its message kept in progress) however long that takes. */
  committing: boolean;
}

/** The JetStream names of one install. */
export function natsNames(prefix: string) {
  return {
    stream: `${prefix}_jobs`,
    consumer: `${prefix}_workers`,
    subjects: `${prefix}.jobs.>`,
    subject: (operatorId: string) => `${prefix}.jobs.${operatorId}`,
    leaderBucket: `${prefix}_leader`,
  };
}

/**
 * JetStream hands out the work; the store's database keeps the history and each job's state. One
 * work-queue stream holds a message per job (its id as the dedup id); every instance pulls from one
 * durable consumer. A message is published before the transaction that writes its job commits, so a
 * commit never lacks its message; the database decides whether a delivered message is due (a lease
 * by conditional update), and the message is acknowledged only after the step's results are stored.
 * Delays and retries are negative acknowledgements with a delay. A parked job's message waits long
 * instead of being looked at every few seconds: what releases it publishes it again (`announce`).
 */
export class NatsBus implements Bus {
  private readonly events = new EventEmitter();
  /** Delivered by a pull, not yet claimed. */
  private readonly buffer: JsMsg[] = [];
  /**
   * Jobs this process published and has not committed yet (the publish comes first), with their messages
   * that JetStream delivered meanwhile: they go to the worker when the commit ends, instead of coming
   * back after a delay. Another instance's early messages still come back after one (`soon`).
   */
  private readonly uncommitted = new Map<string, JsMsg[]>();
  /** Claimed by this process's worker, by job id, until completed or retried, or its lease ends. */
  private readonly leased = new Map<string, Lease>();
  private nextLeaseSweep = 0;
  private pulling = false;
  private closed = false;
  private readonly names: ReturnType<typeof natsNames>;
  private readonly parkedRecheckMs: number;
  private readonly orphanGraceMs: number;
  /** How often a committing step tells JetStream it is still at work: well within the ack wait. */
  private readonly workingEveryMs: number;

  private constructor(
    private readonly sql: SqlBus,
    private readonly db: Kysely<Database>,
    private readonly connection: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly consumer: Consumer,
    options: NatsBusOptions,
    private readonly logger: Logger,
  ) {
    this.events.setMaxListeners(0);
    this.names = natsNames(options.prefix);
    this.parkedRecheckMs = options.parkedRecheckMs ?? 600_000;
    this.orphanGraceMs = options.orphanGraceMs ?? 30_000;
    this.workingEveryMs = Math.max(100, Math.floor(options.leaseMs / 3));
  }

  /** Connects, and creates the stream and the consumer when they are missing. */
  static async open(
    options: NatsBusOptions,
    sql: SqlBus,
    db: Kysely<Database>,
    logger: Logger,
  ): Promise<NatsBus> {
    const connection = await connect({ servers: options.url, name: `conflux-${options.prefix}` });
    try {
      const manager = await jetstreamManager(connection);
      await ensureStreamAndConsumer(manager, options);
      const js = jetstream(connection);
      const names = natsNames(options.prefix);
      const consumer = await js.consumers.get(names.stream, names.consumer);
      return new NatsBus(sql, db, connection, js, consumer, options, logger);
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  /** The connection, for what else this install keeps in JetStream (the scheduler's leader lease). */
  get nats(): NatsConnection {
    return this.connection;
  }

  /** One message per job; the dedup id makes a repeated publish of the same job one message. */
  private async publish(jobs: ReadonlyArray<{ jobId: string; operatorId: string }>): Promise<void> {
    await Promise.all(
      jobs.map(({ jobId, operatorId }) =>
        this.js.publish(this.names.subject(operatorId), jobId, { msgID: jobId }),
      ),
    );
  }

  /** Publishes the deliveries' jobs, then commits them; their messages that arrive first wait here for the commit. */
  private async publishThenCommit<T>(deliveries: Delivery[], commit: () => Promise<T>): Promise<T> {
    const jobs = jobsOf(deliveries);
    const jobIds = jobs.map((job) => job.jobId);
    for (const jobId of jobIds) this.uncommitted.set(jobId, []);
    let committed = false;
    try {
      await this.publish(jobs);
      const result = await commit();
      committed = true;
      return result;
    } finally {
      const early = jobIds.flatMap((jobId) => this.uncommitted.get(jobId) ?? []);
      for (const jobId of jobIds) this.uncommitted.delete(jobId);
      // Rolled back: each finds its job missing and is dropped once its grace ends, as a stray message is.
      for (const message of early) {
        if (committed) this.buffer.push(message);
        else message.nak(soon(message));
      }
      if (committed && early.length) this.events.emit("work");
    }
  }

  /**
   * Publishes jobs written to the queue table outside the bus (failed deliveries queued again, parked
   * jobs released), inside the transaction that writes them, before it commits: a commit never lacks
   * its message, and a message whose transaction rolled back finds its job not due (or gone) and is
   * dropped. A dedup id of their own, as their first message may still be in the dedup window.
   */
  async announce(jobs: Array<{ jobId: string; operatorId: string }>): Promise<void> {
    const at = Date.now();
    const marked = headers();
    marked.set(announcedHeader, "1");
    await Promise.all(
      jobs.map(({ jobId, operatorId }) =>
        this.js.publish(this.names.subject(operatorId), jobId, { msgID: `${jobId}@${at}`, headers: marked }),
      ),
    );
  }

  async startExecution(
    execution: NewExecution,
    delivery: Delivery,
    alsoWrite?: WriteWithExecution,
    alongRows?: readonly PendingRow[],
  ): Promise<{ executionId: string; duplicate: boolean }> {
    return this.publishThenCommit([delivery], () =>
      this.sql.startExecution(execution, delivery, alsoWrite, alongRows),
    );
  }

  async claim(max: number, leaseMs: number): Promise<Job[]> {
    this.forgetEndedLeases(Date.now(), leaseMs);
    const taken: JsMsg[] = [];
    for (const message of this.buffer.splice(0, max)) {
      const early = this.uncommitted.get(message.string());
      if (early) early.push(message);
      else taken.push(message);
    }
    if (taken.length < max) this.pull(max - taken.length);
    if (!taken.length) return [];
    try {
      return await this.lease(taken, leaseMs);
    } catch (error) {
      // Back to the stream now, for this or another instance, instead of after the ack wait.
      const held = new Set([...this.leased.values()].map((lease) => lease.message));
      for (const message of taken) if (!held.has(message)) message.nak(1_000);
      throw error;
    }
  }

  /** Keeps one pull open while the worker has room: messages land in the buffer and announce work. */
  private pull(wanted: number): void {
    if (this.pulling || this.closed) return;
    this.pulling = true;
    let failed = false;
    void (async () => {
      try {
        // Open for up to 10 s: an idle instance asks JetStream six times a minute; a message ends the wait at once.
        const messages = await this.consumer.fetch({ max_messages: wanted, expires: 10_000 });
        for await (const message of messages) {
          if (this.closed) message.nak();
          else this.buffer.push(message);
          this.events.emit("work");
        }
      } catch (error) {
        failed = true;
        // Missed heartbeats on a busy event loop end a pull as well; the next poll pulls again.
        if (!this.closed) this.logger.warn({ err: error }, "pulling jobs from JetStream failed");
      } finally {
        this.pulling = false;
        // The worker asks again (and so pulls again) at once; after a failure, at its next poll.
        if (!failed && !this.closed) this.events.emit("work");
      }
    })();
  }

  /** Leases the delivered jobs that are due in the database; the others go back with a delay. */
  private async lease(messages: JsMsg[], leaseMs: number): Promise<Job[]> {
    const now = Date.now();
    const byJob = new Map<string, JsMsg>();
    const extra: JsMsg[] = [];
    for (const message of messages) {
      const jobId = message.string();
      if (byJob.has(jobId)) extra.push(message);
      else byJob.set(jobId, message);
    }
    const jobs = await leaseDueJobs(this.db, [...byJob.keys()], now, leaseMs);
    for (const job of jobs) {
      const message = byJob.get(job.jobId);
      byJob.delete(job.jobId);
      if (message) this.leased.set(job.jobId, { message, until: now + leaseMs, committing: false });
    }
    await this.giveBack([...byJob.values(), ...extra], now);
    return jobs;
  }

  /** Messages whose job is not due: later when it will be, dropped when it is gone for good. */
  private async giveBack(messages: JsMsg[], now: number): Promise<void> {
    if (!messages.length) return;
    const rows = await this.db
      .selectFrom("jobs")
      .select(["jobId", "availableAt"])
      .where("jobId", "in", [...new Set(messages.map((message) => message.string()))])
      .execute();
    const availableAt = new Map(rows.map((row) => [row.jobId, row.availableAt]));
    for (const message of messages) {
      const due = availableAt.get(message.string());
      // Its transaction may not have committed yet: a new job's row is not there, a released job still parked.
      const early =
        now - message.time.getTime() <= this.orphanGraceMs &&
        (due === undefined || (due >= setAsideBy && message.headers?.get(announcedHeader) === "1"));
      if (early) message.nak(soon(message));
      else if (due !== undefined) message.nak(this.delayUntil(due, now));
      else message.ack();
    }
  }

  private delayUntil(availableAt: number, now: number): number {
    return availableAt >= setAsideBy ? this.parkedRecheckMs : Math.max(0, availableAt - now);
  }

  async retryLater(job: Job, availableAt: number, step: StepRecord, plan: RetryPlan): Promise<void> {
    await this.whileCommitting(job, () => this.sql.retryLater(job, availableAt, step, plan));
    this.leased.get(job.jobId)?.message.nak(this.delayUntil(availableAt, Date.now()));
    this.leased.delete(job.jobId);
  }

  async complete(job: Job, step: StepRecord, outputs: Delivery[], alsoWrite?: WriteWithStep): Promise<void> {
    await this.whileCommitting(job, () =>
      this.publishThenCommit(outputs, () => this.sql.complete(job, step, outputs, alsoWrite)),
    );
    this.leased.get(job.jobId)?.message.ack();
    this.leased.delete(job.jobId);
  }

  /**
   * A step's commit may wait (a lock, a slow disk) past JetStream's ack wait: its message is marked in
   * progress at once and every third of the wait until the commit ends, so it is neither handed to another
   * instance meanwhile (a second run) nor forgotten here (never acknowledged).
   */
  private async whileCommitting(job: Job, commit: () => Promise<void>): Promise<void> {
    const lease = this.leased.get(job.jobId);
    if (!lease) return commit();
    lease.committing = true;
    const working = () => {
      try {
        lease.message.working();
      } catch (error) {
        // The connection closed: JetStream hands the message out again after its ack wait, as for a dead worker.
        this.logger.warn({ err: error, jobId: job.jobId }, "could not keep a committing step's message");
      }
    };
    working();
    const timer = setInterval(working, this.workingEveryMs);
    try {
      await commit();
    } finally {
      clearInterval(timer);
      lease.committing = false;
    }
  }

  publishTaken(take: TakeToPublish): Promise<number> {
    // What is taken is known only inside the transaction: published there, before it commits.
    return this.sql.publishTaken(async (trx) => {
      const deliveries = await take(trx);
      await this.publish(jobsOf(deliveries));
      return deliveries;
    });
  }

  /** The message goes back to the stream now (not after the ack wait), to be looked at again while its job is not due. */
  letGo(job: Job): void {
    this.leased.get(job.jobId)?.message.nak(this.parkedRecheckMs);
    this.leased.delete(job.jobId);
  }

  async releaseAllLeases(): Promise<void> {
    await this.sql.releaseAllLeases();
    for (const { message } of this.leased.values()) message.nak();
    this.leased.clear();
  }

  /**
   * A job that neither completed nor went back (its run threw) keeps its entry until its lease ends;
   * JetStream has handed its message out again by then, so the entry is only memory.
   */
  private forgetEndedLeases(now: number, leaseMs: number): void {
    if (now < this.nextLeaseSweep) return;
    this.nextLeaseSweep = now + leaseMs;
    for (const [jobId, { until, committing }] of this.leased)
      if (until < now && !committing) this.leased.delete(jobId);
  }

  /** Ready when the job table answers and the NATS server echoes a round trip. */
  async ping(): Promise<void> {
    await this.sql.ping();
    await this.connection.flush();
  }

  onWork(listener: () => void): () => void {
    this.events.on("work", listener);
    return () => this.events.off("work", listener);
  }

  /** Gives back what was pulled and not run (after the worker stopped), and disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const message of this.buffer.splice(0)) message.nak();
    for (const early of this.uncommitted.values()) for (const message of early.splice(0)) message.nak();
    for (const { message } of this.leased.values()) message.nak();
    this.leased.clear();
    await this.connection.drain();
  }
}

async function ensureStreamAndConsumer(manager: JetStreamManager, options: NatsBusOptions): Promise<void> {
  const names = natsNames(options.prefix);
  const stream = {
    name: names.stream,
    subjects: [names.subjects],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: nanos(120_000),
  };
  try {
    await manager.streams.info(names.stream);
  } catch {
    await manager.streams.add(stream);
  }
  await manager.consumers.add(names.stream, {
    durable_name: names.consumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(options.leaseMs),
    // Attempts are counted in the database; delayed and retrying jobs wait unacknowledged, so no cap.
    max_deliver: -1,
    max_ack_pending: -1,
    filter_subject: names.subjects,
  });
}

/** Removes an install's stream (its consumer goes with it) and leader bucket: for tests. */
export async function removeNatsInstall(url: string, prefix: string): Promise<void> {
  const connection = await connect({ servers: url });
  try {
    const manager = await jetstreamManager(connection);
    const names = natsNames(prefix);
    for (const stream of [names.stream, `KV_${names.leaderBucket}`])
      await manager.streams.delete(stream).catch(() => false);
  } finally {
    await connection.close();
  }
}
