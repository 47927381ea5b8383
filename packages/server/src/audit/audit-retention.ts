import type { Logger } from "pino";
import { startPeriodicSweep } from "../runtime/periodic-sweep.ts";
import type { AuditLogStore } from "../store/audit-logs.ts";

const hourMs = 3_600_000;
/** accounts.md: the audit log is kept 90 days. */
export const auditRetentionDays = 90;

/** Deletes audit rows older than 90 days now and every hour; returns the function that stops it. */
export function startAuditRetention(auditLogs: AuditLogStore, logger: Logger): () => void {
  return startPeriodicSweep(
    async () => {
      const deleted = await auditLogs.deleteBefore(Date.now() - auditRetentionDays * 24 * hourMs);
      if (deleted) logger.info({ deleted }, "audit log rows older than 90 days deleted");
    },
    hourMs,
    logger,
    "audit log retention sweep failed",
  );
}
