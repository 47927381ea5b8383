import type { Kysely } from "kysely";
import type { Database } from "../store/schema.ts";
import { isUniqueViolation } from "../store/sql-store.ts";
import { type BillingDb, type BillingTables, billingDbOf } from "./tables.ts";

type CouponsTable = BillingTables["coupons"];

export interface Coupon {
  couponCode: string;
  amount: number;
  balance: number;
  expiryMonth: string;
  /** Absent until an operator registers it. */
  operatorId?: string;
  registeredAt?: number;
  createdAt: number;
}

function couponOf(row: CouponsTable): Coupon {
  return {
    couponCode: row.couponCode,
    amount: Number(row.amount),
    balance: Number(row.balance),
    expiryMonth: row.expiryMonth,
    ...(row.operatorId === null ? {} : { operatorId: row.operatorId }),
    ...(row.registeredAt === null ? {} : { registeredAt: Number(row.registeredAt) }),
    createdAt: Number(row.createdAt),
  };
}

/** Coupons: the provider's issue, an operator's one registration, and balances per operator. */
export class CouponStore {
  private readonly db: BillingDb;

  constructor(db: Kysely<Database>) {
    this.db = billingDbOf(db);
  }

  /** Issues a coupon; false when its code exists already. */
  async issue(coupon: { couponCode: string; amount: number; expiryMonth: string }, now = Date.now()) {
    try {
      await this.db
        .insertInto("coupons")
        .values({ ...coupon, balance: coupon.amount, operatorId: null, registeredAt: null, createdAt: now })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Registers a coupon to an operator, once, unless it expired before `currentMonth`: one conditional
   * update, so two operators racing for one code cannot both have it.
   */
  async register(
    couponCode: string,
    operatorId: string,
    currentMonth: string,
    now = Date.now(),
  ): Promise<Coupon | "unknown" | "taken" | "expired"> {
    const updated = await this.db
      .updateTable("coupons")
      .set({ operatorId, registeredAt: now })
      .where("couponCode", "=", couponCode)
      .where("operatorId", "is", null)
      .where("expiryMonth", ">=", currentMonth)
      .executeTakeFirst();
    const row = await this.db
      .selectFrom("coupons")
      .selectAll()
      .where("couponCode", "=", couponCode)
      .executeTakeFirst();
    if (!row) return "unknown";
    if (updated.numUpdatedRows > 0n) return couponOf(row);
    return row.operatorId === null ? "expired" : "taken";
  }

  /** An operator's coupons, soonest expiry first (the order they pay in). */
  async ofOperator(operatorId: string): Promise<Coupon[]> {
    const rows = await this.db
      .selectFrom("coupons")
      .selectAll()
      .where("operatorId", "=", operatorId)
      .orderBy("expiryMonth")
      .orderBy("registeredAt")
      .orderBy("couponCode")
      .execute();
    return rows.map(couponOf);
  }

  async all(): Promise<Coupon[]> {
    const rows = await this.db
      .selectFrom("coupons")
      .selectAll()
      .orderBy("createdAt", "desc")
      .orderBy("couponCode")
      .execute();
    return rows.map(couponOf);
  }
}
