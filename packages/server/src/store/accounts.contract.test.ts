import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  openMigratedTo,
  openWithOperators,
  upgradeDatabases,
  useContractDatabases,
} from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import { AccountStore, maxAuthKeysPerOwner } from "./accounts.ts";
import { SqlStore } from "./sql-store.ts";

const { databases, sqliteDir } = await useContractDatabases("accounts");

const readOnly = '{"statements":[{"effect":"allow","api":["App:list*","App:get*"]}]}';
const writer = '{"statements":[{"effect":"allow","api":"App:*"}]}';

describe.each(databases)("accounts on %s", (_name, database) => {
  let store: SqlStore;
  let accounts: AccountStore;

  beforeAll(async () => {
    if (!database) return;
    const opened = await openWithOperators(database, sqliteDir);
    store = opened.store;
    accounts = new AccountStore(opened.db);
  });
  afterAll(async () => store?.close());

  it.skipIf(!database)("creates a user with no password, keys, roles or permission", async () => {
    const alice = accounts.forOperator("OP0000000001");
    expect(await alice.createUser("alice", "reads apps", 1_000)).toBe("created");
    expect(await alice.createUser("alice", "again")).toBe("exists");
    expect(await alice.getUser("alice")).toEqual({
      userName: "alice",
      description: "reads apps",
      hasPassword: false,
      authKeys: [],
      roles: [],
      createdAt: 1_000,
      updatedAt: 1_000,
    });
    expect(await alice.passwordHashOf("alice")).toBeNull();
    expect(await alice.passwordHashOf("nobody")).toBeUndefined();
  });

  it.skipIf(!database)(
    "updates description, password and permission; false for an unknown user",
    async () => {
      const op = accounts.forOperator("OP0000000001");
      expect(await op.updateUser("alice", { description: "changed" }, 2_000)).toBe(true);
      expect(await op.updateUser("alice", { passwordHash: "argon-hash", permission: readOnly }, 3_000)).toBe(
        true,
      );
      expect(await op.updateUser("nobody", { description: "x" })).toBe(false);
      const user = await op.getUser("alice");
      expect(user).toMatchObject({
        description: "changed",
        hasPassword: true,
        permission: readOnly,
        createdAt: 1_000,
        updatedAt: 3_000,
      });
      expect(await op.passwordHashOf("alice")).toBe("argon-hash");
    },
  );

  it.skipIf(!database)("keeps users of one operator out of another's reach", async () => {
    const other = accounts.forOperator("OP0000000002");
    expect(await other.getUser("alice")).toBeUndefined();
    expect(await other.listUsers()).toEqual([]);
    expect(await other.updateUser("alice", { description: "taken" })).toBe(false);
    expect(await other.deleteUser("alice")).toBe(false);
    expect(await other.createUser("alice", "another alice")).toBe("created");
    expect((await accounts.forOperator("OP0000000001").getUser("alice"))?.description).toBe("changed");
    expect((await other.getUser("alice"))?.description).toBe("another alice");
  });

  it.skipIf(!database)(
    "attaches roles, lists them with the user, and gathers the user's permissions",
    async () => {
      const op = accounts.forOperator("OP0000000001");
      expect(await op.createRole("writer", { permission: writer, description: "writes apps" }, 5_000)).toBe(
        "created",
      );
      expect(await op.createRole("writer", { permission: writer, description: "" })).toBe("exists");
      expect(await op.createRole("auditor", { permission: readOnly, description: "" }, 5_000)).toBe(
        "created",
      );
      expect(await op.attachRole("alice", "writer")).toBe("attached");
      expect(await op.attachRole("alice", "writer")).toBe("attached");
      expect(await op.attachRole("alice", "auditor")).toBe("attached");
      expect(await op.attachRole("nobody", "writer")).toBe("no_user");
      expect(await op.attachRole("alice", "missing")).toBe("no_role");
      // Another operator's role of the same id is not this operator's.
      expect(await accounts.forOperator("OP0000000002").attachRole("alice", "writer")).toBe("no_role");

      expect((await op.listUserRoles("alice")).map((role) => role.roleId)).toEqual(["auditor", "writer"]);
      expect(await op.listRoleUsers("writer")).toEqual(["alice"]);
      expect(await op.getRole("writer")).toEqual({
        roleId: "writer",
        description: "writes apps",
        permission: writer,
        createdAt: 5_000,
        updatedAt: 5_000,
      });
      expect((await op.getUser("alice"))?.roles.map((role) => role.roleId)).toEqual(["auditor", "writer"]);

      expect(await op.permissionsOf("alice")).toEqual({ own: readOnly, roles: [readOnly, writer] });
      await op.setDefaultPermissions(readOnly);
      await op.setDefaultPermissions(writer);
      expect(await op.getDefaultPermissions()).toBe(writer);
      expect((await op.permissionsOf("alice"))?.defaults).toBe(writer);
      expect(await op.permissionsOf("nobody")).toBeUndefined();
      expect(await accounts.forOperator("OP0000000002").getDefaultPermissions()).toBeUndefined();
      expect(await accounts.forOperator("OP0000000002").permissionsOf("alice")).toEqual({ roles: [] });
    },
  );

  it.skipIf(!database)("updates, detaches and deletes roles", async () => {
    const op = accounts.forOperator("OP0000000001");
    expect(await op.updateRole("writer", { description: "writes" }, 6_000)).toBe(true);
    expect(await op.updateRole("missing", { description: "x" })).toBe(false);
    expect(await op.getRole("writer")).toMatchObject({
      description: "writes",
      permission: writer,
      updatedAt: 6_000,
    });
    expect(await op.detachRole("alice", "auditor")).toBe(true);
    expect(await op.detachRole("alice", "auditor")).toBe(false);
    expect(await op.deleteRole("writer")).toBe(true);
    expect(await op.deleteRole("writer")).toBe(false);
    expect(await op.listUserRoles("alice")).toEqual([]);
    expect((await op.listRoles()).map((role) => role.roleId)).toEqual(["auditor"]);
    expect(await op.deleteDefaultPermissions()).toBe(true);
    expect(await op.deleteDefaultPermissions()).toBe(false);
    expect(await op.permissionsOf("alice")).toEqual({ own: readOnly, roles: [] });
  });

  it.skipIf(!database)("keeps auth keys per owner, at most two, found by id for sign-in", async () => {
    const op = accounts.forOperator("OP0000000001");
    expect(await op.createAuthKey(undefined, "keyId-root-1", "hash-r1", 10_000)).toBe("created");
    expect(await op.createAuthKey("alice", "keyId-alice-1", "hash-a1", 11_000)).toBe("created");
    expect(await op.createAuthKey("alice", "keyId-alice-2", "hash-a2", 12_000)).toBe("created");
    expect(await op.createAuthKey("alice", "keyId-alice-3", "hash-a3")).toBe("limit");
    expect(await op.createAuthKey("nobody", "keyId-nobody", "hash-n")).toBe("no_user");
    expect(maxAuthKeysPerOwner).toBe(2);

    expect(await op.listAuthKeys()).toEqual([{ authKeyId: "keyId-root-1", createdAt: 10_000 }]);
    expect((await op.listAuthKeys("alice")).map((key) => key.authKeyId)).toEqual([
      "keyId-alice-1",
      "keyId-alice-2",
    ]);
    expect((await op.getUser("alice"))?.authKeys.map((key) => key.authKeyId)).toEqual([
      "keyId-alice-1",
      "keyId-alice-2",
    ]);
    expect(await accounts.findAuthKey("keyId-root-1")).toEqual({
      authKeyId: "keyId-root-1",
      operatorId: "OP0000000001",
      secretHash: "hash-r1",
    });
    expect(await accounts.findAuthKey("keyId-alice-2")).toEqual({
      authKeyId: "keyId-alice-2",
      operatorId: "OP0000000001",
      userName: "alice",
      secretHash: "hash-a2",
    });
    expect(await accounts.findAuthKey("keyId-none")).toBeUndefined();

    await accounts.touchAuthKey("keyId-alice-1", 20_000);
    expect((await op.listAuthKeys("alice"))[0]).toEqual({
      authKeyId: "keyId-alice-1",
      createdAt: 11_000,
      lastUsedAt: 20_000,
    });

    // A key is deleted only by its owner's path, and only within its operator.
    expect(await op.deleteAuthKey(undefined, "keyId-alice-1")).toBe(false);
    expect(await accounts.forOperator("OP0000000002").deleteAuthKey("alice", "keyId-alice-1")).toBe(false);
    expect(await op.deleteAuthKey("alice", "keyId-alice-1")).toBe(true);
    expect(await op.createAuthKey("alice", "keyId-alice-3", "hash-a3")).toBe("created");
  });

  it.skipIf(!database)("issues tokens to a user or the root user and ends them per owner", async () => {
    const expiresAt = Date.now() + 60_000;
    await store.saveToken("t-root", { apiKey: "api-r", operatorId: "OP0000000001", expiresAt });
    await store.saveToken("t-alice-1", {
      apiKey: "api-a",
      operatorId: "OP0000000001",
      userName: "alice",
      expiresAt,
    });
    await store.saveToken("t-alice-2", {
      apiKey: "api-a",
      operatorId: "OP0000000001",
      userName: "alice",
      expiresAt,
    });
    await store.saveToken("t-other", {
      apiKey: "api-o",
      operatorId: "OP0000000002",
      userName: "alice",
      expiresAt,
    });

    expect(await store.findToken("t-root")).toEqual({
      apiKey: "api-r",
      operatorId: "OP0000000001",
      expiresAt,
      email: "OP0000000001@example.com",
    });
    expect(await store.findToken("t-alice-1")).toMatchObject({
      userName: "alice",
      operatorId: "OP0000000001",
    });

    expect(await store.deleteTokensOf("OP0000000001", "alice")).toBe(2);
    expect(await store.findToken("t-alice-2")).toBeUndefined();
    expect(await store.findToken("t-root")).toBeDefined();
    expect(await store.findToken("t-other")).toBeDefined();
    expect(await store.deleteTokensOf("OP0000000001")).toBe(1);
    expect(await store.findToken("t-root")).toBeUndefined();
    expect(await store.findToken("t-other")).toBeDefined();
  });

  it.skipIf(!database)("answers lookups asked for at once each with its own token", async () => {
    const expiresAt = Date.now() + 60_000;
    for (const [hash, userName] of [
      ["t-at-once-1", "alice"],
      ["t-at-once-2", "bob"],
    ] as const)
      await store.saveToken(hash, {
        apiKey: `api-${userName}`,
        operatorId: "OP0000000002",
        userName,
        expiresAt,
      });
    const queries = vi.spyOn(store.db, "executeQuery");
    try {
      const found = await Promise.all(
        ["t-at-once-2", "t-unknown", "t-at-once-1", "t-at-once-2"].map((hash) => store.findToken(hash)),
      );
      expect(found.map((token) => token?.userName)).toEqual(["bob", undefined, "alice", "bob"]);
      expect(found[0]).toEqual({
        apiKey: "api-bob",
        operatorId: "OP0000000002",
        userName: "bob",
        expiresAt,
        email: "OP0000000002@example.com",
      });
      // PostgreSQL: one query (a round trip) for requests arriving together; SQLite has no round trip to save.
      expect(queries).toHaveBeenCalledTimes(_name === "PostgreSQL" ? 1 : 4);
    } finally {
      queries.mockRestore();
    }
  });

  it.skipIf(!database)("deletes a user with its keys, roles and tokens", async () => {
    const op = accounts.forOperator("OP0000000001");
    await op.attachRole("alice", "auditor");
    await store.saveToken("t-alice-3", {
      apiKey: "api-a",
      operatorId: "OP0000000001",
      userName: "alice",
      expiresAt: Date.now() + 60_000,
    });
    expect(await op.deleteUser("alice")).toBe(true);
    expect(await op.deleteUser("alice")).toBe(false);
    expect(await op.getUser("alice")).toBeUndefined();
    expect(await store.findToken("t-alice-3")).toBeUndefined();
    expect(await accounts.findAuthKey("keyId-alice-2")).toBeUndefined();
    expect(await op.listRoleUsers("auditor")).toEqual([]);
    expect(await accounts.findAuthKey("keyId-root-1")).toBeDefined();
    // The same name again starts afresh.
    expect(await op.createUser("alice", "new")).toBe("created");
    expect(await op.listAuthKeys("alice")).toEqual([]);
    expect((await accounts.forOperator("OP0000000002").getUser("alice"))?.description).toBe("another alice");
  });
});

it.each(upgradeDatabases(sqliteDir, "upgraded"))(
  "keeps tokens issued before users as the root user's on %s",
  async (_name, create) => {
    const scratch = await create();
    if (!scratch) return;
    const before = await openMigratedTo(scratch.database, "0012_device_commands");
    await sql`insert into operators (operator_id, email, password_hash, created_at)
      values ('OP0000000001', 'a@example.com', 'x', 0)`.execute(before);
    await sql`insert into api_tokens (token_hash, api_key, operator_id, expires_at, created_at)
      values ('old-token', 'api-old', 'OP0000000001', 9999999999999, 1)`.execute(before);
    await before.destroy();

    const upgraded = await openDatabase(scratch.database, sqliteDir);
    try {
      const found = await new SqlStore(upgraded.db).findToken("old-token");
      expect(found).toEqual({
        apiKey: "api-old",
        operatorId: "OP0000000001",
        expiresAt: 9999999999999,
        email: "a@example.com",
      });
      expect(await new AccountStore(upgraded.db).forOperator("OP0000000001").listUsers()).toEqual([]);
    } finally {
      await upgraded.db.destroy();
      await scratch.drop();
    }
  },
);
