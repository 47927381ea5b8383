import type { Kysely } from "kysely";
import type { Database, OperatorStatus } from "./schema.ts";
import { isUniqueViolation } from "./sql-store.ts";
import type { Operator } from "./store.ts";

/** A customer as its partner lists it. */
export interface PartnerCustomer {
  operatorId: string;
  email: string;
  status: OperatorStatus;
  createdAt: number;
}

/**
 * Partners [ToS 8]: the operators the provider marked, and the customer operators each created.
 * Every customer query is scoped by its partner's id, so a partner reaches only its own customers.
 * Kept in the store because the provider's operator list and the partners feature both read it.
 */
export class PartnerStore {
  constructor(private readonly db: Kysely<Database>) {}

  async isPartner(operatorId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom("partners")
      .select("operatorId")
      .where("operatorId", "=", operatorId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Marks or unmarks a partner; false when there is no such operator. An unmarked partner keeps
   * its customers (they are its customers again if it is marked again) but cannot reach them: the
   * sessions it switched into them end at once.
   */
  async setPartner(operatorId: string, partner: boolean, now = Date.now()): Promise<boolean> {
    const operator = await this.db
      .selectFrom("operators")
      .select("operatorId")
      .where("operatorId", "=", operatorId)
      .executeTakeFirst();
    if (!operator) return false;
    if (!partner) {
      await this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom("partners").where("operatorId", "=", operatorId).execute();
        await trx.deleteFrom("apiTokens").where("actorOperatorId", "=", operatorId).execute();
      });
      return true;
    }
    await this.db
      .insertInto("partners")
      .values({ operatorId, createdAt: now })
      .onConflict((conflict) => conflict.column("operatorId").doNothing())
      .execute();
    return true;
  }

  /** Creates the customer's operator and its link to the partner in one transaction. */
  async createCustomer(
    partnerOperatorId: string,
    customer: Operator,
  ): Promise<"created" | "email_taken" | "id_taken"> {
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto("operators").values(customer).execute();
        await trx
          .insertInto("partnerCustomers")
          .values({
            customerOperatorId: customer.operatorId,
            partnerOperatorId,
            createdAt: customer.createdAt,
          })
          .execute();
      });
      return "created";
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const taken = await this.db
        .selectFrom("operators")
        .select("operatorId")
        .where("email", "=", customer.email)
        .executeTakeFirst();
      return taken ? "email_taken" : "id_taken";
    }
  }

  /** The partner's customers, oldest first. */
  listCustomers(partnerOperatorId: string): Promise<PartnerCustomer[]> {
    return this.customers(partnerOperatorId).orderBy("o.createdAt").orderBy("o.operatorId").execute();
  }

  /** One of the partner's customers; undefined for any other operator, existing or not. */
  findCustomer(partnerOperatorId: string, customerOperatorId: string): Promise<PartnerCustomer | undefined> {
    return this.customers(partnerOperatorId)
      .where("o.operatorId", "=", customerOperatorId)
      .executeTakeFirst();
  }

  /** The partner of a customer operator; undefined for an operator that is nobody's customer. */
  async partnerOf(customerOperatorId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("partnerCustomers")
      .select("partnerOperatorId")
      .where("customerOperatorId", "=", customerOperatorId)
      .executeTakeFirst();
    return row?.partnerOperatorId;
  }

  /** The partners of those of `customerOperatorIds` that are customers, for a page of operators. */
  async partnersOf(customerOperatorIds: readonly string[]): Promise<Map<string, string>> {
    if (customerOperatorIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom("partnerCustomers")
      .select(["customerOperatorId", "partnerOperatorId"])
      .where("customerOperatorId", "in", customerOperatorIds)
      .execute();
    return new Map(rows.map((row) => [row.customerOperatorId, row.partnerOperatorId]));
  }

  private customers(partnerOperatorId: string) {
    return this.db
      .selectFrom("partnerCustomers as c")
      .innerJoin("operators as o", "o.operatorId", "c.customerOperatorId")
      .select(["o.operatorId", "o.email", "o.status", "o.createdAt"])
      .where("c.partnerOperatorId", "=", partnerOperatorId);
  }
}
