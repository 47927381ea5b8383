import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWithOperators, useContractDatabases } from "../../test/databases.ts";
import { AuditLogStore } from "./audit-logs.ts";
import type { OpenDatabase } from "./database.ts";
import { PartnerStore } from "./partners.ts";
import type { SqlStore } from "./sql-store.ts";

const { databases, sqliteDir } = await useContractDatabases("partners");

const partnerId = "OP0000000001";
const otherId = "OP0000000002";

function customer(operatorId: string, createdAt: number) {
  return { operatorId, email: `${operatorId.toLowerCase()}@customer.test`, passwordHash: "x", createdAt };
}

describe.each(databases)("partners on %s", (_name, database) => {
  let opened: OpenDatabase & { store: SqlStore };
  let partners: PartnerStore;

  beforeAll(async () => {
    if (!database) return;
    opened = await openWithOperators(database, sqliteDir);
    partners = new PartnerStore(opened.db);
  });
  afterAll(async () => {
    await opened?.db.destroy();
  });

  it.skipIf(!database)("marks and unmarks a partner, and refuses an unknown operator", async () => {
    expect(await partners.isPartner(partnerId)).toBe(false);
    expect(await partners.setPartner(partnerId, true)).toBe(true);
    expect(await partners.setPartner(partnerId, true)).toBe(true);
    expect(await partners.isPartner(partnerId)).toBe(true);
    expect(await partners.isPartner(otherId)).toBe(false);
    expect(await partners.setPartner("OP9999999999", true)).toBe(false);
    expect(await partners.isPartner("OP9999999999")).toBe(false);
    expect(await partners.setPartner(otherId, true)).toBe(true);
    expect(await partners.setPartner(otherId, false)).toBe(true);
    expect(await partners.isPartner(otherId)).toBe(false);
  });

  it.skipIf(!database)(
    "creates a customer with its operator in one go, listed only by its partner",
    async () => {
      expect(await partners.createCustomer(partnerId, customer("OP1000000002", 2_000))).toBe("created");
      expect(await partners.createCustomer(partnerId, customer("OP1000000001", 1_000))).toBe("created");
      expect(await partners.createCustomer(otherId, customer("OP2000000001", 1_500))).toBe("created");
      expect(await opened.store.findOperatorByEmail("op1000000001@customer.test")).toMatchObject({
        operatorId: "OP1000000001",
        createdAt: 1_000,
      });
      expect(await partners.listCustomers(partnerId)).toEqual([
        {
          operatorId: "OP1000000001",
          email: "op1000000001@customer.test",
          status: "active",
          createdAt: 1_000,
        },
        {
          operatorId: "OP1000000002",
          email: "op1000000002@customer.test",
          status: "active",
          createdAt: 2_000,
        },
      ]);
      expect((await partners.listCustomers(otherId)).map((row) => row.operatorId)).toEqual(["OP2000000001"]);
      expect(await partners.listCustomers("OP1000000001")).toEqual([]);
    },
  );

  it.skipIf(!database)("finds a customer only under its own partner", async () => {
    expect(await partners.findCustomer(partnerId, "OP1000000001")).toMatchObject({
      operatorId: "OP1000000001",
    });
    expect(await partners.findCustomer(partnerId, "OP2000000001")).toBeUndefined();
    expect(await partners.findCustomer(partnerId, otherId)).toBeUndefined();
    expect(await partners.findCustomer(partnerId, partnerId)).toBeUndefined();
    expect(await partners.findCustomer(otherId, "OP1000000001")).toBeUndefined();
    expect(await partners.partnerOf("OP1000000001")).toBe(partnerId);
    expect(await partners.partnerOf("OP2000000001")).toBe(otherId);
    expect(await partners.partnerOf(partnerId)).toBeUndefined();
    const page = await partners.partnersOf(["OP1000000001", "OP2000000001", partnerId, "OP9999999999"]);
    expect(page).toEqual(
      new Map([
        ["OP1000000001", partnerId],
        ["OP2000000001", otherId],
      ]),
    );
    expect(await partners.partnersOf([])).toEqual(new Map());
  });

  it.skipIf(!database)("leaves nothing behind when the e-mail address or the id is taken", async () => {
    const sameEmail = { ...customer("OP1000000009", 3_000), email: "op1000000001@customer.test" };
    expect(await partners.createCustomer(partnerId, sameEmail)).toBe("email_taken");
    const sameId = { ...customer("OP2000000001", 3_000), email: "new@customer.test" };
    expect(await partners.createCustomer(partnerId, sameId)).toBe("id_taken");
    expect(await partners.findCustomer(partnerId, "OP1000000009")).toBeUndefined();
    expect(await partners.findCustomer(partnerId, "OP2000000001")).toBeUndefined();
    expect(await partners.partnerOf("OP2000000001")).toBe(otherId);
    expect(await partners.listCustomers(partnerId)).toHaveLength(2);
    expect(await opened.store.findOperatorByEmail("new@customer.test")).toBeUndefined();
  });

  it.skipIf(!database)("a switched token and its audit rows keep the partner as the actor", async () => {
    const actor = { operatorId: partnerId, userName: "support" };
    await opened.store.saveToken("switched-hash", {
      apiKey: "api-switched",
      operatorId: "OP1000000001",
      expiresAt: 9_000_000_000_000,
      actor,
    });
    await opened.store.saveToken("plain-hash", { apiKey: "api-plain", operatorId: partnerId, expiresAt: 1 });
    expect(await opened.store.findToken("switched-hash")).toEqual({
      apiKey: "api-switched",
      operatorId: "OP1000000001",
      expiresAt: 9_000_000_000_000,
      email: "op1000000001@customer.test",
      actor,
    });
    expect(await opened.store.findToken("plain-hash")).not.toHaveProperty("actor");
    const auditLogs = new AuditLogStore(opened.db);
    const row = {
      operatorId: "OP1000000001",
      apiKind: "/v1/apps",
      requestPath: "/v1/apps",
      remoteIpAddress: "192.0.2.1",
      statusCode: 201,
    };
    await auditLogs.record({ ...row, requestedTimeEpochMs: 1, actor: { operatorId: partnerId } });
    await auditLogs.record({ ...row, requestedTimeEpochMs: 2 });
    const { entries } = await auditLogs.list("OP1000000001", { limit: 10 });
    expect(entries.map((entry) => entry.actor)).toEqual([undefined, { operatorId: partnerId }]);
    expect(entries[0]).not.toHaveProperty("actor");
  });

  it.skipIf(!database)("a deleted operator takes its partner mark and customer links with it", async () => {
    await opened.db.deleteFrom("operators").where("operatorId", "=", otherId).execute();
    expect(await partners.partnerOf("OP2000000001")).toBeUndefined();
    await opened.db.deleteFrom("operators").where("operatorId", "=", "OP1000000002").execute();
    expect((await partners.listCustomers(partnerId)).map((row) => row.operatorId)).toEqual(["OP1000000001"]);
  });
});
