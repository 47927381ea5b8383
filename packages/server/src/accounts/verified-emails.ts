import { ulid } from "ulid";
import type { VerifiedAddressesPort } from "../runtime/ports/verified-addresses.ts";
import type { AccountsDb } from "./tables.ts";

/** An address as SORACOM's Email API reads it: times in UNIX seconds. */
export interface EmailAddress {
  emailId: string;
  email: string;
  verified: boolean;
  createDateTime: number;
  updateDateTime: number;
}

/** The addresses each operator added, and which of them it verified by a mailed token. */
export class VerifiedEmails implements VerifiedAddressesPort {
  constructor(private readonly db: AccountsDb) {}

  /** Adds an address unverified; adding one again keeps its id and state. */
  async add(operatorId: string, email: string, now = Date.now()): Promise<EmailAddress> {
    await this.db
      .insertInto("verifiedEmails")
      .values({ operatorId, emailId: ulid(), email, verified: 0, createdAt: now, updatedAt: now })
      .onConflict((conflict) => conflict.columns(["operatorId", "email"]).doNothing())
      .execute();
    const added = (await this.list(operatorId)).find((address) => address.email === email);
    if (!added) throw new Error("an added address is missing");
    return added;
  }

  async markVerified(operatorId: string, email: string, now = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable("verifiedEmails")
      .set({ verified: 1, updatedAt: now })
      .where("operatorId", "=", operatorId)
      .where("email", "=", email)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async list(operatorId: string): Promise<EmailAddress[]> {
    const rows = await this.db
      .selectFrom("verifiedEmails")
      .selectAll()
      .where("operatorId", "=", operatorId)
      .orderBy("email")
      .execute();
    return rows.map((row) => ({
      emailId: row.emailId,
      email: row.email,
      verified: Number(row.verified) === 1,
      createDateTime: Math.floor(Number(row.createdAt) / 1000),
      updateDateTime: Math.floor(Number(row.updatedAt) / 1000),
    }));
  }

  async remove(operatorId: string, emailId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("verifiedEmails")
      .where("operatorId", "=", operatorId)
      .where("emailId", "=", emailId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  }

  async unverified(operatorId: string, addresses: readonly string[]): Promise<string[]> {
    if (addresses.length === 0) return [];
    const lowered = addresses.map((address) => address.toLowerCase());
    const rows = await this.db
      .selectFrom("verifiedEmails")
      .select("email")
      .where("operatorId", "=", operatorId)
      .where("verified", "=", 1)
      .where("email", "in", lowered)
      .execute();
    const verified = new Set(rows.map((row) => row.email));
    return addresses.filter((_, index) => !verified.has(lowered[index] ?? ""));
  }
}
