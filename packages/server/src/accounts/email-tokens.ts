import type { AccountsDb, EmailTokenPurpose } from "./tables.ts";

export interface EmailToken {
  operatorId: string;
  email: string;
}

/** One-time tokens sent by mail, kept as their SHA-256 only; taking one deletes it. */
export class EmailTokens {
  constructor(private readonly db: AccountsDb) {}

  async issue(
    purpose: EmailTokenPurpose,
    tokenHash: string,
    token: EmailToken,
    lifetimeMs: number,
    now = Date.now(),
  ): Promise<void> {
    await this.db.deleteFrom("emailTokens").where("expiresAt", "<=", now).execute();
    await this.db
      .insertInto("emailTokens")
      .values({ tokenHash, purpose, ...token, expiresAt: now + lifetimeMs, createdAt: now })
      .execute();
  }

  /** The token's owner, once: the row is deleted as it is read, so two uses cannot both pass. */
  async take(
    purpose: EmailTokenPurpose,
    tokenHash: string,
    now = Date.now(),
  ): Promise<EmailToken | undefined> {
    const row = await this.db
      .deleteFrom("emailTokens")
      .where("tokenHash", "=", tokenHash)
      .where("purpose", "=", purpose)
      .returning(["operatorId", "email", "expiresAt"])
      .executeTakeFirst();
    return row && Number(row.expiresAt) > now ? { operatorId: row.operatorId, email: row.email } : undefined;
  }

  /** Ends the operator's other reset tokens once one was used. */
  async removeAll(purpose: EmailTokenPurpose, operatorId: string): Promise<void> {
    await this.db
      .deleteFrom("emailTokens")
      .where("purpose", "=", purpose)
      .where("operatorId", "=", operatorId)
      .execute();
  }
}
