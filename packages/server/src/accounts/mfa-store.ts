import type { Cipher } from "../secrets/cipher.ts";
import type { AccountsDb } from "./tables.ts";

/** Root's MFA rows carry this user name. */
export const rootUserName = "";

export interface MfaState {
  status: "PENDING" | "ACTIVE";
  secret: string;
}

/**
 * TOTP secrets (sealed with the service's key), whether they are on, the last time step used (a
 * code is accepted once) and root's backup codes (hashed; each used once). Every query names its operator.
 */
export class MfaStore {
  constructor(
    private readonly db: AccountsDb,
    private readonly cipher: Cipher,
  ) {}

  async state(operatorId: string, userName: string): Promise<MfaState | undefined> {
    const row = await this.db
      .selectFrom("mfa")
      .select(["status", "sealedSecret"])
      .where("operatorId", "=", operatorId)
      .where("userName", "=", userName)
      .executeTakeFirst();
    return row && { status: row.status, secret: this.cipher.open(row.sealedSecret) };
  }

  /** Keeps a new secret until a code confirms it; false when MFA is already on. */
  async begin(operatorId: string, userName: string, secret: string, now = Date.now()): Promise<boolean> {
    const sealedSecret = this.cipher.seal(secret);
    const result = await this.db
      .insertInto("mfa")
      .values({ operatorId, userName, sealedSecret, status: "PENDING", lastUsedStep: null, updatedAt: now })
      .onConflict((conflict) =>
        conflict
          .columns(["operatorId", "userName"])
          .doUpdateSet({ sealedSecret, lastUsedStep: null, updatedAt: now })
          .where("mfa.status", "=", "PENDING"),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Turns MFA on with the step of the confirming code; root's backup codes replace any earlier ones. */
  async activate(
    operatorId: string,
    userName: string,
    step: number,
    backupCodeHashes: readonly string[] = [],
  ) {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable("mfa")
        .set({ status: "ACTIVE", lastUsedStep: step, updatedAt: Date.now() })
        .where("operatorId", "=", operatorId)
        .where("userName", "=", userName)
        .execute();
      if (userName !== rootUserName) return;
      await trx.deleteFrom("mfaBackupCodes").where("operatorId", "=", operatorId).execute();
      if (backupCodeHashes.length)
        await trx
          .insertInto("mfaBackupCodes")
          .values(backupCodeHashes.map((codeHash) => ({ operatorId, codeHash, usedAt: null })))
          .execute();
    });
  }

  /** Claims a time step: true only for a step later than every one used before (one statement, so no race). */
  async claimStep(operatorId: string, userName: string, step: number): Promise<boolean> {
    const result = await this.db
      .updateTable("mfa")
      .set({ lastUsedStep: step })
      .where("operatorId", "=", operatorId)
      .where("userName", "=", userName)
      .where("status", "=", "ACTIVE")
      .where((where) => where.or([where("lastUsedStep", "is", null), where("lastUsedStep", "<", step)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Uses one of root's backup codes: true once per code. */
  async claimBackupCode(operatorId: string, codeHash: string, now = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable("mfaBackupCodes")
      .set({ usedAt: now })
      .where("operatorId", "=", operatorId)
      .where("codeHash", "=", codeHash)
      .where("usedAt", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async remove(operatorId: string, userName: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom("mfa")
        .where("operatorId", "=", operatorId)
        .where("userName", "=", userName)
        .execute();
      if (userName === rootUserName)
        await trx.deleteFrom("mfaBackupCodes").where("operatorId", "=", operatorId).execute();
    });
  }
}
