import type { Logger } from "pino";
import type { FeatureModule } from "../api/feature-module.ts";
import type { AuditLogStore } from "../store/audit-logs.ts";
import { startAuditRetention } from "./audit-retention.ts";
import { auditRoutes } from "./audit-routes.ts";
import { auditLogsMigration } from "./migration.ts";

interface AuditDeps {
  auditLogs: AuditLogStore;
  logger: Logger;
}

/**
 * The audit log's API and its 90-day retention. The rows are written by the HTTP kernel's hook
 * (api/audit-hook.ts) and by sign-in (recordSignIn).
 */
export const auditModule = {
  name: "audit",
  migrations: { "0018_audit_logs": auditLogsMigration },
  routes: auditRoutes,
  async start({ auditLogs, logger }: AuditDeps) {
    return startAuditRetention(auditLogs, logger);
  },
} satisfies FeatureModule<AuditDeps>;
