import { CompiledQuery, type Kysely, type Transaction } from "kysely";
import type { Database } from "../store/schema.ts";
import { addEventTallies, type EventCount, tallyEvents } from "./event-counts.ts";

type Write<T> = (trx: Transaction<Database>) => Promise<T>;

interface Pending {
  write: Write<unknown>;
  /** The event the write makes durable, counted when the write succeeds. */
  count: EventCount | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { value: unknown } | { error: unknown };

/** A write of a batch written together failed: the transaction rolls back and the batch is written apart. */
class WriteFailed extends Error {
  constructor(readonly failure: unknown) {
    super("a write of a group commit failed");
  }
}

/** Enough to share a commit widely while keeping the wait of the last write in a batch short. */
const maxBatch = 256;

const savepoint = CompiledQuery.raw("savepoint bus_write");
const rollbackToSavepoint = CompiledQuery.raw("rollback to bus_write");
const releaseSavepoint = CompiledQuery.raw("release bus_write");

/**
 * Group commit for SQLite, which has one writer: each commit appends every page it touched to the WAL
 * (and now and then checkpoints), and that cost, not the statements, dominates a bus write. Writes
 * requested in the same turn of the event loop share one transaction. When one fails (a duplicate
 * idempotency key), that transaction rolls back and the batch is written again with a savepoint per
 * write, so the failed one rolls back alone; writes only write (their effects are the transaction's),
 * so writing one twice this way stores it once. A write's promise settles
 * only after the shared commit, so "durable when it resolves" holds for every one of them.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly db: Kysely<Database>) {}

  /** `count`: the event the write makes durable, counted with it (and not when it fails). */
  run<T>(write: Write<T>, count?: EventCount): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ write, count, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      // After the I/O callbacks of this turn, so the writes they request join the batch.
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue.splice(0, maxBatch);
    if (this.queue.length) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
    let outcomes: Outcome[] | undefined;
    try {
      outcomes = (await this.commitTogether(batch)) ?? (await this.commitApart(batch));
    } catch (error) {
      // The commit (or a rollback to a savepoint) failed: none of the batch is stored.
      for (const pending of batch) pending.reject(error);
      return;
    }
    batch.forEach((pending, index) => {
      const outcome = outcomes[index] as Outcome;
      if ("error" in outcome) pending.reject(outcome.error);
      else pending.resolve(outcome.value);
    });
  }

  /**
   * The usual case, every write succeeding, without a savepoint each (two statements a write). When one
   * fails the whole transaction rolls back and this answers undefined: the batch is written again, apart.
   */
  private async commitTogether(batch: Pending[]): Promise<Outcome[] | undefined> {
    const outcomes: Outcome[] = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const pending of batch) {
          try {
            outcomes.push({ value: await pending.write(trx) });
          } catch (error) {
            throw new WriteFailed(error);
          }
        }
        await this.tally(trx, batch, outcomes);
      });
    } catch (error) {
      if (error instanceof WriteFailed) return undefined;
      throw error;
    }
    return outcomes;
  }

  /** Each write under a savepoint of its own, so one that fails (a duplicate idempotency key) rolls back alone. */
  private async commitApart(batch: Pending[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    await this.db.transaction().execute(async (trx) => {
      for (const pending of batch) {
        await trx.executeQuery(savepoint);
        try {
          outcomes.push({ value: await pending.write(trx) });
        } catch (error) {
          await trx.executeQuery(rollbackToSavepoint);
          outcomes.push({ error });
        }
        await trx.executeQuery(releaseSavepoint);
      }
      await this.tally(trx, batch, outcomes);
    });
    return outcomes;
  }

  /** The batch's events in one statement per operator and day, not one per event. */
  private async tally(trx: Transaction<Database>, batch: Pending[], outcomes: Outcome[]): Promise<void> {
    const counted = batch.flatMap((pending, index) =>
      pending.count && "value" in (outcomes[index] as Outcome) ? [pending.count] : [],
    );
    await addEventTallies(trx, tallyEvents(counted), Date.now());
  }
}

const perDatabase = new WeakMap<Kysely<Database>, GroupCommit>();

/**
 * The group commit of a SQLite database. It has one connection, so every writer of the event path (the
 * bus, a data-store action's entry) joins this one and their writes share commits.
 */
export function groupCommitOf(db: Kysely<Database>): GroupCommit {
  let groupCommit = perDatabase.get(db);
  if (!groupCommit) {
    groupCommit = new GroupCommit(db);
    perDatabase.set(db, groupCommit);
  }
  return groupCommit;
}
