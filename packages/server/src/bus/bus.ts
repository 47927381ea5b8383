import type { JsonValue, MessageContext } from "@conflux/core";
import type { Transaction } from "kysely";
import type { Database } from "../store/schema.ts";
import type { StepRecord } from "../store/store.ts";
import type { PendingRow } from "./rows-insert.ts";

/**
 * The bus seam: makes channel messages durable and hands their action jobs to workers, at least once.
 * A message is one row of history; each enabled or disabled action on its channel is one job.
 */

export interface NewMessage {
  messageId: string;
  executionId: string;
  operatorId: string;
  appId: string;
  channelId: string;
  hop: number;
  payload: JsonValue;
  context: MessageContext;
  parentStepId: string | null;
}

/** A message and the actions it must reach, not before `availableAt` (output delay). */
export interface Delivery {
  message: NewMessage;
  actionIds: string[];
  availableAt: number;
  /** The payload as JSON text, when the planner already made it to measure the message (deliveries.ts). */
  payloadText?: string;
}

export interface NewExecution {
  executionId: string;
  operatorId: string;
  appId: string;
  channelId: string;
  eventType: string;
  /** Sources that may send twice (timers, clients with an Idempotency-Key) start one execution only. */
  dedupeKey: string | null;
  replayOf: string | null;
  /** The app version the execution starts on, when the app has one. */
  appVersion?: number | null;
}

export interface Job {
  jobId: string;
  operatorId: string;
  appId: string;
  executionId: string;
  messageId: string;
  actionId: string;
  /** Tries started so far, this one included. */
  attempts: number;
  /** The app version its execution started on; null for an execution from before app versions. */
  appVersion: number | null;
  /** Tries that ended in a retry; `attempts - 1 - retries` tries before this one were cut short. */
  retries: number;
  /** Set at its first transient failure: no retry after this. */
  retryUntil: number | null;
  /** `scheme://host:port` its last try failed on. */
  destination: string | null;
}

/** Where a job waits for another try. */
export interface RetryPlan {
  retryUntil: number;
  destination: string | null;
  /** False for a job parked without trying (its destination's breaker is open): the claim is not a try. */
  tried: boolean;
}

/** `availableAt` of a parked job: never due by itself; its destination's breaker releases it (destination-breakers.ts). */
export const parkedAt = Number.MAX_SAFE_INTEGER;

/**
 * Added to `availableAt` of a suspended operator's jobs: never due while it is suspended, and taken off
 * again on resume, so each job keeps its place and its delay (store/operator-suspensions.ts). Far above
 * any real time, far below `parkedAt`.
 */
export const setAsideBy = 2 ** 52;

/**
 * Writes of the caller that commit or roll back with the execution (a device message's data entry), run
 * last in its transaction. The bus and the data they go with share one database, so this is a transaction.
 */
export type WriteWithExecution = (trx: Transaction<Database>, executionId: string) => Promise<void>;

/** Writes of an action that commit with its step, after the job's acknowledgement, in its transaction. */
export type WriteWithStep = (trx: Transaction<Database>, job: Job) => Promise<void>;

/**
 * Takes what it publishes out of the database (a collect batch) and returns the messages to publish; the
 * taking and the publishing commit together, so what was taken is published once or not taken at all.
 */
export type TakeToPublish = (trx: Transaction<Database>) => Promise<Delivery[]>;

export interface Bus {
  /**
   * Durable when it resolves: the caller may answer 202. A repeated dedupe key returns the first execution
   * (and writes neither `alsoWrite` nor `alongRows`).
   */
  startExecution(
    execution: NewExecution,
    delivery: Delivery,
    alsoWrite?: WriteWithExecution,
    alongRows?: readonly PendingRow[],
  ): Promise<{ executionId: string; duplicate: boolean }>;
  /** Leases up to `max` due jobs to this worker for `leaseMs`. */
  claim(max: number, leaseMs: number): Promise<Job[]>;
  /** Gives the job back to run again at `availableAt` (`parkedAt`: when released), recording the step as retrying. */
  retryLater(job: Job, availableAt: number, step: StepRecord, plan: RetryPlan): Promise<void>;
  /** Atomically: the final step, the output messages, the action's own writes and the job's acknowledgement. */
  complete(job: Job, step: StepRecord, outputs: Delivery[], alsoWrite?: WriteWithStep): Promise<void>;
  /** Atomically: what `take` takes out and the messages it returns; resolves with how many it published. */
  publishTaken(take: TakeToPublish): Promise<number>;
  /**
   * Ends this worker's lease of a job that was set back in the database without running (its operator is
   * suspended: store/operator-suspensions.ts), so the bus hands it out again by its new `availableAt`.
   */
  letGo(job: Job): void;
  /** Ends every lease: called at start-up by the single process that owns an embedded database. */
  releaseAllLeases(): Promise<void>;
  /** Called when work may be due; returns the unsubscribe function. */
  onWork(listener: () => void): () => void;
  /** Resolves when the bus answers (the readiness check). */
  ping(): Promise<void>;
}
