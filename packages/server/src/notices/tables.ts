import type { Kysely } from "kysely";
import type { Database } from "../store/schema.ts";

export type NoticeSeverity = "info" | "warning" | "critical";

/** The tables of notices/migrations.ts, as Kysely sees them (camelCase). Times are Unix ms. */
export type NoticesTables = {
  notices: {
    noticeId: string;
    title: string;
    body: string;
    severity: NoticeSeverity;
    /** 1 when every operator sees it; 0 when only the operators of notice_operators do. */
    allOperators: number;
    startsAt: number | null;
    endsAt: number | null;
    createdAt: number;
  };
  noticeOperators: { noticeId: string; operatorId: string };
  maintenanceWindows: {
    maintenanceId: string;
    title: string;
    body: string | null;
    startsAt: number;
    endsAt: number;
    createdAt: number;
  };
  outages: {
    outageId: string;
    startedAt: number;
    endedAt: number;
    description: string;
    recordedAt: number;
  };
  outageClaims: {
    claimId: string;
    operatorId: string;
    outageId: string;
    /** The billing month ("YYYY-MM", billing time zone) the outage started in: the invoice its credit belongs to. */
    outageMonth: string;
    days: number;
    claimedAt: number;
    /** The credit in minor units, once worked out (store/outage-credits.ts). */
    credit: number | null;
    /** The month of the invoice the credit lands on. */
    invoiceMonth: string | null;
  };
};

export type NoticesDb = Kysely<Database & NoticesTables>;

export function noticesDbOf(db: Kysely<Database>): NoticesDb {
  return db.withTables<NoticesTables>();
}
