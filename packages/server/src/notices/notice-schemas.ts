import { z } from "zod";
import type { Maintenance, Notice, OperatorNotice } from "./notice-store.ts";
import { isClaimableAt, outageDays, outageHours } from "./outage-claims.ts";
import type { OperatorOutage, Outage, OutageClaim } from "./outage-store.ts";

/** An ISO-8601 time with its offset (a time without one would be read in the server's zone), as Unix ms. */
const isoTime = z.iso
  .datetime({ offset: true, error: "expected an ISO-8601 time with its offset, e.g. 2026-12-05T09:00:00Z" })
  .transform((value) => Date.parse(value));

const after = (later: "endsAt" | "endedAt", earlier: "startsAt" | "startedAt") => ({
  message: `${later} must be after ${earlier}`,
  path: [later],
});

const title = z.string().trim().min(1).max(200);
const text = z.string().max(10_000);

export const noticeBody = z
  .strictObject({
    title,
    body: text,
    severity: z.enum(["info", "warning", "critical"]),
    /** Only these operators see the notice; absent, every operator does. */
    operatorIds: z.array(z.string().min(1).max(64)).min(1).max(10_000).optional(),
    startsAt: isoTime.optional(),
    endsAt: isoTime.optional(),
  })
  .refine(
    (notice) =>
      notice.startsAt === undefined || notice.endsAt === undefined || notice.endsAt > notice.startsAt,
    after("endsAt", "startsAt"),
  );

export const maintenanceBody = z
  .strictObject({ title, body: text.optional(), startsAt: isoTime, endsAt: isoTime })
  .refine((window) => window.endsAt > window.startsAt, after("endsAt", "startsAt"));

export const outageBody = z
  .strictObject({ startedAt: isoTime, endedAt: isoTime, description: z.string().trim().min(1).max(10_000) })
  .refine((outage) => outage.endedAt > outage.startedAt, after("endedAt", "startedAt"));

export const noticeParams = z.object({ noticeId: z.string().min(1).max(64) });
export const maintenanceParams = z.object({ maintenanceId: z.string().min(1).max(64) });

/** Whole Unix seconds, as every `…DateTime` of an answer. */
const seconds = (ms: number) => Math.floor(ms / 1_000);

export const operatorNoticeView = z.object({
  noticeId: z.string(),
  title: z.string(),
  body: z.string(),
  severity: z.enum(["info", "warning", "critical"]),
  createdDateTime: z.number(),
  startsDateTime: z.number().optional(),
  endsDateTime: z.number().optional(),
});
export const noticeView = operatorNoticeView.extend({ operatorIds: z.array(z.string()).optional() });

export function viewOfNotice(notice: Notice | OperatorNotice) {
  return {
    noticeId: notice.noticeId,
    title: notice.title,
    body: notice.body,
    severity: notice.severity,
    ...("operatorIds" in notice && notice.operatorIds ? { operatorIds: [...notice.operatorIds] } : {}),
    createdDateTime: seconds(notice.createdAt),
    ...(notice.startsAt === undefined ? {} : { startsDateTime: seconds(notice.startsAt) }),
    ...(notice.endsAt === undefined ? {} : { endsDateTime: seconds(notice.endsAt) }),
  };
}

export const maintenanceView = z.object({
  maintenanceId: z.string(),
  title: z.string(),
  body: z.string().optional(),
  startsDateTime: z.number(),
  endsDateTime: z.number(),
  createdDateTime: z.number(),
});

export function viewOfMaintenance(maintenance: Maintenance) {
  return {
    maintenanceId: maintenance.maintenanceId,
    title: maintenance.title,
    ...(maintenance.body === undefined ? {} : { body: maintenance.body }),
    startsDateTime: seconds(maintenance.startsAt),
    endsDateTime: seconds(maintenance.endsAt),
    createdDateTime: seconds(maintenance.createdAt),
  };
}

export const outageView = z.object({
  outageId: z.string(),
  /** As recorded, ISO-8601 in UTC. */
  startedAt: z.string(),
  endedAt: z.string(),
  startedDateTime: z.number(),
  endedDateTime: z.number(),
  description: z.string(),
  /** The exact length in hours (may have a fraction). */
  hours: z.number(),
  /** Whole days, floor(hours / 24): what a claim of it is worth. */
  days: z.number(),
  recordedDateTime: z.number(),
});

export function viewOfOutage(outage: Outage) {
  return {
    outageId: outage.outageId,
    startedAt: new Date(outage.startedAt).toISOString(),
    endedAt: new Date(outage.endedAt).toISOString(),
    startedDateTime: seconds(outage.startedAt),
    endedDateTime: seconds(outage.endedAt),
    description: outage.description,
    hours: outageHours(outage),
    days: outageDays(outage),
    recordedDateTime: seconds(outage.recordedAt),
  };
}

export const operatorOutageView = outageView.extend({
  /** Whether the caller may claim it now: not claimed yet and within 3 months of its end. */
  claimable: z.boolean(),
  /** The caller's claim of it, when made. */
  claimId: z.string().optional(),
});

export function viewOfOperatorOutage(outage: OperatorOutage, now: number) {
  return {
    ...viewOfOutage(outage),
    claimable: outage.claimId === undefined && isClaimableAt(outage, now),
    ...(outage.claimId === undefined ? {} : { claimId: outage.claimId }),
  };
}

export const claimView = z.object({
  claimId: z.string(),
  outageId: z.string(),
  days: z.number(),
  /** The billing month ("YYYY-MM") the outage started in, whose plan fee the credit is worked from. */
  outageMonth: z.string(),
  claimedDateTime: z.number(),
  /** The credit in minor units, once worked out (at the claim; again when the outage month's invoice closes). */
  credit: z.number().optional(),
  /** The month of the invoice the credit is on. */
  invoiceMonth: z.string().optional(),
});

export function viewOfClaim(claim: OutageClaim) {
  return {
    claimId: claim.claimId,
    outageId: claim.outageId,
    days: claim.days,
    outageMonth: claim.outageMonth,
    claimedDateTime: seconds(claim.claimedAt),
    ...(claim.credit === null ? {} : { credit: claim.credit }),
    ...(claim.invoiceMonth === null ? {} : { invoiceMonth: claim.invoiceMonth }),
  };
}
