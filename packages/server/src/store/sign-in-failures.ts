import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { failureWindowMs, type ThrottleVerdict, throttleVerdict } from "../auth/sign-in-throttle.ts";
import { hashSecret } from "../auth/tokens.ts";
import type { Database } from "./schema.ts";

/** The table of migration 0020_sign_in_failures (its migration stays with the accounts feature). */
type FailuresDb = Kysely<
  Database & { signInFailures: { keyHash: string; attemptId: string; failedAt: number } }
>;

/** Who a sign-in is for and where it comes from; both are kept hashed only. */
export interface SignInKeys {
  /** The e-mail address, `operatorId/userName` or auth key id as typed: unknown accounts count too. */
  account: string;
  address: string;
}

function keyHashes(keys: SignInKeys) {
  return { account: hashSecret(`account:${keys.account}`), address: hashSecret(`address:${keys.address}`) };
}

/**
 * Failed sign-ins counted in the database, so every instance on it applies the same limits. Only
 * failures count: successful sign-ins from one address are never refused for their number. Operators'
 * sign-ins and the provider's admins' share it (keys of different kinds never collide).
 */
export class SignInFailures {
  private readonly db: FailuresDb;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<{ signInFailures: { keyHash: string; attemptId: string; failedAt: number } }>();
  }

  async verdict(keys: SignInKeys, now = Date.now()): Promise<ThrottleVerdict> {
    const hashes = keyHashes(keys);
    const rows = await this.db
      .selectFrom("signInFailures")
      .select(["keyHash", "failedAt"])
      .where("keyHash", "in", [hashes.account, hashes.address])
      .where("failedAt", ">", now - failureWindowMs)
      .execute();
    const timesOf = (hash: string) =>
      rows.filter((row) => row.keyHash === hash).map((row) => Number(row.failedAt));
    return throttleVerdict({ account: timesOf(hashes.account), address: timesOf(hashes.address) }, now);
  }

  async recordFailure(keys: SignInKeys, now = Date.now()): Promise<void> {
    const hashes = keyHashes(keys);
    const attemptId = randomUUID();
    await this.db
      .insertInto("signInFailures")
      .values([
        { keyHash: hashes.account, attemptId, failedAt: now },
        { keyHash: hashes.address, attemptId, failedAt: now },
      ])
      .execute();
    // Rows leave the window for good; dropping them here keeps the table as small as the last 15 minutes.
    await this.db
      .deleteFrom("signInFailures")
      .where("failedAt", "<=", now - failureWindowMs)
      .execute();
  }

  /**
   * Counts a request that is limited per key whether or not an account stands behind it (a password
   * reset mail), with this one included, over the same window as failures.
   */
  async countRequest(key: string, now = Date.now()): Promise<number> {
    const keyHash = hashSecret(`request:${key}`);
    await this.db
      .insertInto("signInFailures")
      .values({ keyHash, attemptId: randomUUID(), failedAt: now })
      .execute();
    const row = await this.db
      .selectFrom("signInFailures")
      .select((select) => select.fn.countAll<number>().as("count"))
      .where("keyHash", "=", keyHash)
      .where("failedAt", ">", now - failureWindowMs)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** A successful sign-in clears its account's failures (not its address's). */
  async recordSuccess(keys: SignInKeys): Promise<void> {
    await this.db.deleteFrom("signInFailures").where("keyHash", "=", keyHashes(keys).account).execute();
  }
}
