import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

/** The columns of `outage_claims` that credits read and write (the notices feature records the claims). */
type CreditTables = {
  outageClaims: {
    claimId: string;
    operatorId: string;
    outageId: string;
    outageMonth: string;
    days: number;
    claimedAt: number;
    credit: number | null;
    invoiceMonth: string | null;
  };
};

export interface CreditedClaim {
  claimId: string;
  outageId: string;
  /** The month the outage started in, whose plan line the credit is worked from. */
  outageMonth: string;
  days: number;
  /** Null until worked out. */
  credit: number | null;
  invoiceMonth: string | null;
}

const columns = ["claimId", "outageId", "outageMonth", "days", "credit", "invoiceMonth"] as const;

function creditedClaim(
  row: Omit<CreditedClaim, "credit"> & { credit: number | string | null },
): CreditedClaim {
  return { ...row, credit: row.credit === null ? null : Number(row.credit) };
}

/**
 * The credit of each outage claim and the invoice it lands on: shared by the notices feature (which
 * shows it) and billing (which works it out and bills it), so neither imports the other.
 */
export class OutageCreditStore {
  private readonly db: Kysely<Database & CreditTables>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<CreditTables>();
  }

  async claim(operatorId: string, claimId: string): Promise<CreditedClaim | undefined> {
    const row = await this.db
      .selectFrom("outageClaims")
      .select(columns)
      .where("operatorId", "=", operatorId)
      .where("claimId", "=", claimId)
      .executeTakeFirst();
    return row && creditedClaim(row);
  }

  /** The operator's claims of outages that started in `outageMonth`, in the order they were made. */
  async claimsOfOutageMonth(operatorId: string, outageMonth: string): Promise<CreditedClaim[]> {
    const rows = await this.db
      .selectFrom("outageClaims")
      .select(columns)
      .where("operatorId", "=", operatorId)
      .where("outageMonth", "=", outageMonth)
      .orderBy("claimedAt")
      .orderBy("claimId")
      .execute();
    return rows.map(creditedClaim);
  }

  /** The claims whose credit lands on the operator's invoice of `invoiceMonth`, in the order they were made. */
  async creditsOn(operatorId: string, invoiceMonth: string): Promise<CreditedClaim[]> {
    const rows = await this.db
      .selectFrom("outageClaims")
      .select(columns)
      .where("operatorId", "=", operatorId)
      .where("invoiceMonth", "=", invoiceMonth)
      .where("credit", "is not", null)
      .orderBy("claimedAt")
      .orderBy("claimId")
      .execute();
    return rows.map(creditedClaim);
  }

  async setCredit(claimId: string, credit: number, invoiceMonth: string): Promise<void> {
    await this.db
      .updateTable("outageClaims")
      .set({ credit, invoiceMonth })
      .where("claimId", "=", claimId)
      .execute();
  }
}
