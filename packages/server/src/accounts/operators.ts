import type { AccountsDb } from "./tables.ts";

/** The root user's side of an operator that sign-in, MFA and password reset change. */
export class OperatorAccounts {
  constructor(private readonly db: AccountsDb) {}

  byId(operatorId: string) {
    return this.db
      .selectFrom("operators")
      .select(["operatorId", "email", "passwordHash", "status", "emailVerificationPending"])
      .where("operatorId", "=", operatorId)
      .executeTakeFirst();
  }

  async setPasswordHash(operatorId: string, passwordHash: string): Promise<void> {
    await this.db
      .updateTable("operators")
      .set({ passwordHash })
      .where("operatorId", "=", operatorId)
      .execute();
  }
}
