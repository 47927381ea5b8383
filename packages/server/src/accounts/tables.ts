import type { Kysely } from "kysely";
import type { Database } from "../store/schema.ts";

/** The tables of accounts/migrations.ts, as Kysely sees them (camelCase). Root's rows have userName ''. */
export type SignInTables = {
  mfa: {
    operatorId: string;
    userName: string;
    sealedSecret: string;
    status: "PENDING" | "ACTIVE";
    lastUsedStep: number | null;
    updatedAt: number;
  };
  mfaBackupCodes: { operatorId: string; codeHash: string; usedAt: number | null };
  signInFailures: { keyHash: string; attemptId: string; failedAt: number };
  emailTokens: {
    tokenHash: string;
    purpose: EmailTokenPurpose;
    operatorId: string;
    email: string;
    expiresAt: number;
    createdAt: number;
  };
  verifiedEmails: {
    operatorId: string;
    emailId: string;
    email: string;
    verified: number;
    createdAt: number;
    updatedAt: number;
  };
};

export type EmailTokenPurpose = "password_reset" | "add_email";

export type AccountsDb = Kysely<Database & SignInTables>;

export function accountsDbOf(db: Kysely<Database>): AccountsDb {
  return db.withTables<SignInTables>();
}
