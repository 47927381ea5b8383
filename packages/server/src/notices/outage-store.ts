import type { Kysely } from "kysely";
import { newId } from "../ids.ts";
import type { Database } from "../store/schema.ts";
import { type NoticesDb, type NoticesTables, noticesDbOf } from "./tables.ts";

export interface OutageInput {
  startedAt: number;
  endedAt: number;
  description: string;
}

export interface Outage extends OutageInput {
  outageId: string;
  recordedAt: number;
}

/** An outage as an operator sees it: with its own claim, when it made one. */
export interface OperatorOutage extends Outage {
  claimId?: string;
}

export type OutageClaim = NoticesTables["outageClaims"];

/**
 * Outages the provider records and the operators' claims [15.2.2]. Claims are read and made per
 * operator; the rules (deadline, days) are outage-claims.ts's, applied by the caller.
 */
export class OutageStore {
  private readonly db: NoticesDb;

  constructor(db: Kysely<Database>) {
    this.db = noticesDbOf(db);
  }

  async recordOutage(input: OutageInput, now: number): Promise<Outage> {
    const outage = { outageId: newId(), ...input, recordedAt: now };
    await this.db.insertInto("outages").values(outage).execute();
    return outage;
  }

  async findOutage(outageId: string): Promise<Outage | undefined> {
    return this.db.selectFrom("outages").selectAll().where("outageId", "=", outageId).executeTakeFirst();
  }

  /** Every outage, the latest start first. */
  async listOutages(): Promise<Outage[]> {
    return this.db
      .selectFrom("outages")
      .selectAll()
      .orderBy("startedAt", "desc")
      .orderBy("outageId", "desc")
      .execute();
  }

  /** Every outage with `operatorId`'s claim of it, when it made one (never another operator's). */
  async outagesFor(operatorId: string): Promise<OperatorOutage[]> {
    const rows = await this.db
      .selectFrom("outages")
      .leftJoin("outageClaims", (join) =>
        join
          .onRef("outageClaims.outageId", "=", "outages.outageId")
          .on("outageClaims.operatorId", "=", operatorId),
      )
      .selectAll("outages")
      .select("outageClaims.claimId")
      .orderBy("outages.startedAt", "desc")
      .orderBy("outages.outageId", "desc")
      .execute();
    return rows.map(({ claimId, ...outage }) => (claimId === null ? outage : { ...outage, claimId }));
  }

  /** Records the claim; undefined when the operator claimed this outage already (one claim each). */
  async claim(
    claim: Omit<OutageClaim, "claimId" | "credit" | "invoiceMonth">,
  ): Promise<OutageClaim | undefined> {
    const row = { claimId: newId(), ...claim, credit: null, invoiceMonth: null };
    const result = await this.db
      .insertInto("outageClaims")
      .values(row)
      .onConflict((conflict) => conflict.columns(["operatorId", "outageId"]).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0 ? row : undefined;
  }

  /** The operator's claims, the latest first. */
  async claimsOf(operatorId: string): Promise<OutageClaim[]> {
    const rows = await this.db
      .selectFrom("outageClaims")
      .selectAll()
      .where("operatorId", "=", operatorId)
      .orderBy("claimedAt", "desc")
      .orderBy("claimId", "desc")
      .execute();
    // PostgreSQL answers bigint as text.
    return rows.map((row) => ({ ...row, credit: row.credit === null ? null : Number(row.credit) }));
  }
}
