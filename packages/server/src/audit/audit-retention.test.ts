import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWithOperators, useContractDatabases } from "../../test/databases.ts";
import { AuditLogStore } from "../store/audit-logs.ts";
import type { OpenDatabase } from "../store/database.ts";
import { auditRetentionDays, startAuditRetention } from "./audit-retention.ts";

const { databases, sqliteDir } = await useContractDatabases("audit-retention");
const dayMs = 86_400_000;

describe("the audit log's retention", () => {
  let opened: OpenDatabase;

  beforeAll(async () => {
    opened = await openWithOperators(databases[0]?.[1] ?? { kind: "sqlite" }, sqliteDir);
  });
  afterAll(async () => {
    await opened?.db.destroy();
  });

  it("deletes rows older than 90 days as soon as it starts, and keeps younger ones", async () => {
    const auditLogs = new AuditLogStore(opened.db);
    const row = {
      operatorId: "OP0000000001",
      apiKind: "/v1/apps",
      requestPath: "/v1/apps",
      remoteIpAddress: "127.0.0.1",
      statusCode: 201,
    };
    const now = Date.now();
    await auditLogs.record({ ...row, requestedTimeEpochMs: now - (auditRetentionDays + 1) * dayMs });
    await auditLogs.record({ ...row, requestedTimeEpochMs: now - (auditRetentionDays - 1) * dayMs });
    const stop = startAuditRetention(auditLogs, pino({ level: "silent" }));
    try {
      await expect
        .poll(async () => (await auditLogs.list("OP0000000001", { limit: 10 })).entries.length)
        .toBe(1);
    } finally {
      stop();
    }
    const [kept] = (await auditLogs.list("OP0000000001", { limit: 10 })).entries;
    expect(kept?.requestedTimeEpochMs).toBe(now - (auditRetentionDays - 1) * dayMs);
  });
});
