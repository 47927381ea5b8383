import type { Kysely, Transaction } from "kysely";
import type { Logger } from "pino";
import { startPeriodicSweep } from "../runtime/periodic-sweep.ts";
import type { Database } from "../store/schema.ts";

/** What a device was answered the first time it sent a message with this key. */
export interface FirstAnswer {
  stored: boolean;
  executionId?: string;
}

/** A retry comes within minutes of a failure to get an answer; a day leaves room for a device offline overnight. */
export const messageKeyLifetimeMs = 24 * 60 * 60 * 1000;

/**
 * Idempotency keys of device messages, per device. A key is recorded in the transaction that stores its
 * message, so the primary key refuses a second message with it exactly when the first is durable.
 */
export class DeviceMessageKeys {
  constructor(private readonly db: Kysely<Database>) {}

  /** Fails with a unique violation when the device already sent a message with this key. */
  async record(
    trx: Transaction<Database>,
    key: { deviceId: string; operatorId: string; idempotencyKey: string },
    answer: FirstAnswer,
  ): Promise<void> {
    await trx
      .insertInto("deviceMessageKeys")
      .values({
        ...key,
        stored: answer.stored ? 1 : 0,
        executionId: answer.executionId ?? null,
        createdAt: Date.now(),
      })
      .execute();
  }

  async find(deviceId: string, idempotencyKey: string): Promise<FirstAnswer | undefined> {
    const row = await this.db
      .selectFrom("deviceMessageKeys")
      .select(["stored", "executionId"])
      .where("deviceId", "=", deviceId)
      .where("idempotencyKey", "=", idempotencyKey)
      .executeTakeFirst();
    if (!row) return undefined;
    return { stored: Number(row.stored) === 1, ...(row.executionId ? { executionId: row.executionId } : {}) };
  }

  async deleteBefore(cutoff: number): Promise<number> {
    const result = await this.db
      .deleteFrom("deviceMessageKeys")
      .where("createdAt", "<", cutoff)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Forgets keys older than their lifetime now and every hour; returns the stop function. */
export function startMessageKeyExpiry(keys: DeviceMessageKeys, logger: Logger): () => void {
  return startPeriodicSweep(
    async () => void (await keys.deleteBefore(Date.now() - messageKeyLifetimeMs)),
    60 * 60 * 1000,
    logger,
    "device message key sweep failed",
  );
}
