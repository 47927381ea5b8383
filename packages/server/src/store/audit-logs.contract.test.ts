import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWithOperators, useContractDatabases } from "../../test/databases.ts";
import { type AuditEntry, AuditLogStore } from "./audit-logs.ts";
import type { OpenDatabase } from "./database.ts";

const { databases, sqliteDir } = await useContractDatabases("audit-logs");

const noon = Date.UTC(2026, 11, 5, 12);

function entry(
  operatorId: string,
  requestedTimeEpochMs: number,
  overrides: Partial<AuditEntry> = {},
): AuditEntry {
  return {
    operatorId,
    apiKind: "/v1/apps/{appId}",
    apiName: "App:updateApp",
    requestPath: "/v1/apps/01APP",
    remoteIpAddress: "192.0.2.7",
    requestedTimeEpochMs,
    statusCode: 200,
    ...overrides,
  };
}

describe.each(databases)("the audit log on %s", (_name, database) => {
  let opened: OpenDatabase;
  let auditLogs: AuditLogStore;

  beforeAll(async () => {
    if (!database) return;
    opened = await openWithOperators(database, sqliteDir);
    auditLogs = new AuditLogStore(opened.db);
    // Seven rows of OP…1, three of them in one millisecond, and one of OP…2.
    for (const [offset, overrides] of [
      [0, { apiKind: "/v1/auth", apiName: "Auth:auth", requestPath: "/v1/auth", statusCode: 401 }],
      [1_000, { userName: "alice" }],
      [2_000, {}],
      [2_000, { statusCode: 403, userName: "bob" }],
      [2_000, { statusCode: 204 }],
      [3_000, { apiName: undefined }],
      [4_000, {}],
    ] as const)
      await auditLogs.record(entry("OP0000000001", noon + offset, overrides));
    await auditLogs.record(entry("OP0000000002", noon + 5_000));
  });
  afterAll(async () => {
    await opened?.db.destroy();
  });

  it.skipIf(!database)("lists an operator's rows newest first, with absent fields left out", async () => {
    const { entries, next } = await auditLogs.list("OP0000000001", { limit: 100 });
    expect(next).toBeUndefined();
    expect(entries.map((row) => row.requestedTimeEpochMs - noon)).toEqual([
      4_000, 3_000, 2_000, 2_000, 2_000, 1_000, 0,
    ]);
    expect(entries.every((row) => row.operatorId === "OP0000000001")).toBe(true);
    expect(entries[1]).not.toHaveProperty("apiName");
    expect(entries[0]).not.toHaveProperty("userName");
    expect(entries[5]).toEqual(entry("OP0000000001", noon + 1_000, { userName: "alice" }));
  });

  it.skipIf(!database)("shows no operator another's rows", async () => {
    const { entries } = await auditLogs.list("OP0000000002", { limit: 100 });
    expect(entries).toHaveLength(1);
    expect(entries[0]?.operatorId).toBe("OP0000000002");
  });

  it.skipIf(!database)("pages through rows of one millisecond without losing or repeating one", async () => {
    const seen: string[] = [];
    let after: Awaited<ReturnType<AuditLogStore["list"]>>["next"];
    for (let page = 0; page < 10; page++) {
      const result = await auditLogs.list("OP0000000001", { limit: 2, ...(after ? { after } : {}) });
      seen.push(...result.entries.map((row) => `${row.requestedTimeEpochMs - noon}/${row.statusCode}`));
      after = result.next;
      if (!after) break;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it.skipIf(!database)(
    "continues after a bare time with strictly older rows, as SORACOM's clients send it",
    async () => {
      const { entries } = await auditLogs.list("OP0000000001", {
        limit: 100,
        after: { requestedTimeEpochMs: noon + 2_000 },
      });
      expect(entries.map((row) => row.requestedTimeEpochMs - noon)).toEqual([1_000, 0]);
    },
  );

  it.skipIf(!database)("filters by API kind and an inclusive time range", async () => {
    const kind = await auditLogs.list("OP0000000001", { limit: 100, apiKind: "/v1/auth" });
    expect(kind.entries.map((row) => row.statusCode)).toEqual([401]);
    const range = await auditLogs.list("OP0000000001", {
      limit: 100,
      fromEpochMs: noon + 1_000,
      toEpochMs: noon + 3_000,
    });
    expect(range.entries.map((row) => row.requestedTimeEpochMs - noon)).toEqual([
      3_000, 2_000, 2_000, 2_000, 1_000,
    ]);
  });

  it.skipIf(!database)("deletes rows older than a time, of every operator", async () => {
    expect(await auditLogs.deleteBefore(noon + 2_000)).toBe(2);
    const { entries } = await auditLogs.list("OP0000000001", { limit: 100 });
    expect(entries.map((row) => row.requestedTimeEpochMs - noon)).toEqual([
      4_000, 3_000, 2_000, 2_000, 2_000,
    ]);
  });
});
