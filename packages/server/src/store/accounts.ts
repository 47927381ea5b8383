import type { Kysely, Selectable } from "kysely";
import type { Database, RolesTable, UsersTable } from "./schema.ts";
import { isUniqueViolation } from "./sql-store.ts";

/** Times are Unix ms here; the routes answer in UNIX seconds as SORACOM's API does. */

export interface AuthKey {
  authKeyId: string;
  createdAt: number;
  /** Absent until the key's first use. */
  lastUsedAt?: number;
}

export interface Role {
  roleId: string;
  description: string;
  /** The permission JSON text as it was saved. */
  permission: string;
  createdAt: number;
  updatedAt: number;
}

/** A user of an operator (SORACOM's SAM user), with its keys and roles. */
export interface User {
  userName: string;
  description: string;
  hasPassword: boolean;
  /** The permission JSON text as it was saved; absent when none is set. */
  permission?: string;
  authKeys: AuthKey[];
  roles: Role[];
  createdAt: number;
  updatedAt: number;
}

/** The permission texts a user's calls are evaluated against: its own, its roles' and the defaults. */
export interface UserPermissions {
  own?: string;
  roles: string[];
  defaults?: string;
}

/** An auth key as sign-in finds it by its id: whose it is and its secret's hash. */
export interface FoundAuthKey {
  authKeyId: string;
  operatorId: string;
  /** Absent for the root user's keys. */
  userName?: string;
  secretHash: string;
}

/** As SORACOM: an owner (root or a user) has at most two keys, enough to rotate one. */
export const maxAuthKeysPerOwner = 2;

/** `undefined` owner = the root user. */
type Owner = string | undefined;

function toRole(row: Selectable<RolesTable>): Role {
  return {
    roleId: row.roleId,
    description: row.description,
    permission: row.permission,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toAuthKey(row: { authKeyId: string; createdAt: number; lastUsedAt: number | null }): AuthKey {
  return row.lastUsedAt === null
    ? { authKeyId: row.authKeyId, createdAt: row.createdAt }
    : { authKeyId: row.authKeyId, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt };
}

/** Users, roles, default permissions and auth keys of one operator; every query is scoped by its id. */
export class OperatorAccounts {
  constructor(
    private readonly db: Kysely<Database>,
    readonly operatorId: string,
  ) {}

  async listUsers(): Promise<User[]> {
    const rows = await this.db
      .selectFrom("users")
      .selectAll()
      .where("operatorId", "=", this.operatorId)
      .orderBy("userName")
      .execute();
    const keys = await this.db
      .selectFrom("authKeys")
      .select(["authKeyId", "userName", "createdAt", "lastUsedAt"])
      .where("operatorId", "=", this.operatorId)
      .where("userName", "is not", null)
      .orderBy("createdAt")
      .orderBy("authKeyId")
      .execute();
    const roles = await this.db
      .selectFrom("userRoles as ur")
      .innerJoin("roles as r", (join) =>
        join.onRef("r.operatorId", "=", "ur.operatorId").onRef("r.roleId", "=", "ur.roleId"),
      )
      .selectAll("r")
      .select("ur.userName")
      .where("ur.operatorId", "=", this.operatorId)
      .orderBy("r.roleId")
      .execute();
    return rows.map((row) =>
      this.toUser(
        row,
        keys.filter((key) => key.userName === row.userName).map(toAuthKey),
        roles.filter((role) => role.userName === row.userName).map(toRole),
      ),
    );
  }

  async getUser(userName: string): Promise<User | undefined> {
    const row = await this.userRow(userName);
    if (!row) return undefined;
    return this.toUser(row, await this.listAuthKeys(userName), await this.listUserRoles(userName));
  }

  /** A new user has no password, no keys and no permission. */
  async createUser(userName: string, description: string, now = Date.now()): Promise<"created" | "exists"> {
    try {
      await this.db
        .insertInto("users")
        .values({
          operatorId: this.operatorId,
          userName,
          description,
          passwordHash: null,
          permission: null,
          createdAt: now,
          updatedAt: now,
        })
        .execute();
      return "created";
    } catch (error) {
      if (isUniqueViolation(error)) return "exists";
      throw error;
    }
  }

  /** False when there is no such user. */
  async updateUser(
    userName: string,
    change: { description?: string; passwordHash?: string; permission?: string },
    now = Date.now(),
  ): Promise<boolean> {
    const result = await this.db
      .updateTable("users")
      .set({ ...change, updatedAt: now })
      .where("operatorId", "=", this.operatorId)
      .where("userName", "=", userName)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Null when the user has no password; undefined when there is no such user. */
  async passwordHashOf(userName: string): Promise<string | null | undefined> {
    return (await this.userRow(userName))?.passwordHash;
  }

  /** Removes the user with its keys, role attachments and tokens. */
  async deleteUser(userName: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const scoped = { operatorId: this.operatorId, userName };
      await trx
        .deleteFrom("apiTokens")
        .where("operatorId", "=", scoped.operatorId)
        .where("userName", "=", userName)
        .execute();
      await trx
        .deleteFrom("authKeys")
        .where("operatorId", "=", scoped.operatorId)
        .where("userName", "=", userName)
        .execute();
      await trx
        .deleteFrom("userRoles")
        .where("operatorId", "=", scoped.operatorId)
        .where("userName", "=", userName)
        .execute();
      const result = await trx
        .deleteFrom("users")
        .where("operatorId", "=", scoped.operatorId)
        .where("userName", "=", userName)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  /** Undefined when there is no such user. */
  async permissionsOf(userName: string): Promise<UserPermissions | undefined> {
    const user = await this.userRow(userName);
    if (!user) return undefined;
    const roles = await this.db
      .selectFrom("userRoles as ur")
      .innerJoin("roles as r", (join) =>
        join.onRef("r.operatorId", "=", "ur.operatorId").onRef("r.roleId", "=", "ur.roleId"),
      )
      .select("r.permission")
      .where("ur.operatorId", "=", this.operatorId)
      .where("ur.userName", "=", userName)
      .orderBy("r.roleId")
      .execute();
    const defaults = await this.getDefaultPermissions();
    return {
      ...(user.permission === null ? {} : { own: user.permission }),
      roles: roles.map((role) => role.permission),
      ...(defaults === undefined ? {} : { defaults }),
    };
  }

  async listRoles(): Promise<Role[]> {
    const rows = await this.db
      .selectFrom("roles")
      .selectAll()
      .where("operatorId", "=", this.operatorId)
      .orderBy("roleId")
      .execute();
    return rows.map(toRole);
  }

  async getRole(roleId: string): Promise<Role | undefined> {
    const row = await this.db
      .selectFrom("roles")
      .selectAll()
      .where("operatorId", "=", this.operatorId)
      .where("roleId", "=", roleId)
      .executeTakeFirst();
    return row && toRole(row);
  }

  async createRole(
    roleId: string,
    role: { permission: string; description: string },
    now = Date.now(),
  ): Promise<"created" | "exists"> {
    try {
      await this.db
        .insertInto("roles")
        .values({ operatorId: this.operatorId, roleId, ...role, createdAt: now, updatedAt: now })
        .execute();
      return "created";
    } catch (error) {
      if (isUniqueViolation(error)) return "exists";
      throw error;
    }
  }

  /** False when there is no such role. */
  async updateRole(
    roleId: string,
    change: { permission?: string; description?: string },
    now = Date.now(),
  ): Promise<boolean> {
    const result = await this.db
      .updateTable("roles")
      .set({ ...change, updatedAt: now })
      .where("operatorId", "=", this.operatorId)
      .where("roleId", "=", roleId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Detaches the role from every user, then removes it. */
  async deleteRole(roleId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom("userRoles")
        .where("operatorId", "=", this.operatorId)
        .where("roleId", "=", roleId)
        .execute();
      const result = await trx
        .deleteFrom("roles")
        .where("operatorId", "=", this.operatorId)
        .where("roleId", "=", roleId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  async listUserRoles(userName: string): Promise<Role[]> {
    const rows = await this.db
      .selectFrom("userRoles as ur")
      .innerJoin("roles as r", (join) =>
        join.onRef("r.operatorId", "=", "ur.operatorId").onRef("r.roleId", "=", "ur.roleId"),
      )
      .selectAll("r")
      .where("ur.operatorId", "=", this.operatorId)
      .where("ur.userName", "=", userName)
      .orderBy("r.roleId")
      .execute();
    return rows.map(toRole);
  }

  /** The user names a role is attached to. */
  async listRoleUsers(roleId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("userRoles")
      .select("userName")
      .where("operatorId", "=", this.operatorId)
      .where("roleId", "=", roleId)
      .orderBy("userName")
      .execute();
    return rows.map((row) => row.userName);
  }

  /** Attaching a role twice is no error. */
  async attachRole(
    userName: string,
    roleId: string,
    now = Date.now(),
  ): Promise<"attached" | "no_user" | "no_role"> {
    return this.db.transaction().execute(async (trx) => {
      const accounts = new OperatorAccounts(trx, this.operatorId);
      if (!(await accounts.userRow(userName))) return "no_user";
      if (!(await accounts.getRole(roleId))) return "no_role";
      await trx
        .insertInto("userRoles")
        .values({ operatorId: this.operatorId, userName, roleId, createdAt: now })
        .onConflict((conflict) => conflict.columns(["operatorId", "userName", "roleId"]).doNothing())
        .execute();
      return "attached";
    });
  }

  async detachRole(userName: string, roleId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("userRoles")
      .where("operatorId", "=", this.operatorId)
      .where("userName", "=", userName)
      .where("roleId", "=", roleId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async getDefaultPermissions(): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("defaultPermissions")
      .select("permission")
      .where("operatorId", "=", this.operatorId)
      .executeTakeFirst();
    return row?.permission;
  }

  async setDefaultPermissions(permission: string, now = Date.now()): Promise<void> {
    await this.db
      .insertInto("defaultPermissions")
      .values({ operatorId: this.operatorId, permission, updatedAt: now })
      .onConflict((conflict) => conflict.column("operatorId").doUpdateSet({ permission, updatedAt: now }))
      .execute();
  }

  async deleteDefaultPermissions(): Promise<boolean> {
    const result = await this.db
      .deleteFrom("defaultPermissions")
      .where("operatorId", "=", this.operatorId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** The keys of a user, or of the root user when `userName` is absent; oldest first. */
  async listAuthKeys(userName?: Owner): Promise<AuthKey[]> {
    const rows = await this.db
      .selectFrom("authKeys")
      .select(["authKeyId", "createdAt", "lastUsedAt"])
      .where("operatorId", "=", this.operatorId)
      .where("userName", userName === undefined ? "is" : "=", userName ?? null)
      .orderBy("createdAt")
      .orderBy("authKeyId")
      .execute();
    return rows.map(toAuthKey);
  }

  /**
   * Saves a key for a user (or the root user): "limit" when the owner has `maxAuthKeysPerOwner`
   * already, "no_user" when there is no such user. The secret is given hashed.
   */
  async createAuthKey(
    owner: Owner,
    authKeyId: string,
    secretHash: string,
    now = Date.now(),
  ): Promise<"created" | "limit" | "no_user"> {
    return this.db.transaction().execute(async (trx) => {
      const accounts = new OperatorAccounts(trx, this.operatorId);
      if (owner !== undefined && !(await accounts.userRow(owner))) return "no_user";
      if ((await accounts.listAuthKeys(owner)).length >= maxAuthKeysPerOwner) return "limit";
      await trx
        .insertInto("authKeys")
        .values({
          authKeyId,
          operatorId: this.operatorId,
          userName: owner ?? null,
          secretHash,
          createdAt: now,
          lastUsedAt: null,
        })
        .execute();
      return "created";
    });
  }

  /** Deletes one of the owner's keys: another owner's key of the same operator is not found. */
  async deleteAuthKey(owner: Owner, authKeyId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("authKeys")
      .where("operatorId", "=", this.operatorId)
      .where("userName", owner === undefined ? "is" : "=", owner ?? null)
      .where("authKeyId", "=", authKeyId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  private userRow(userName: string): Promise<Selectable<UsersTable> | undefined> {
    return this.db
      .selectFrom("users")
      .selectAll()
      .where("operatorId", "=", this.operatorId)
      .where("userName", "=", userName)
      .executeTakeFirst();
  }

  private toUser(row: Selectable<UsersTable>, authKeys: AuthKey[], roles: Role[]): User {
    return {
      userName: row.userName,
      description: row.description,
      hasPassword: row.passwordHash !== null,
      ...(row.permission === null ? {} : { permission: row.permission }),
      authKeys,
      roles,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }
}

/** The accounts seam: per operator, plus the lookups sign-in makes before it knows the operator. */
export class AccountStore {
  constructor(private readonly db: Kysely<Database>) {}

  forOperator(operatorId: string): OperatorAccounts {
    return new OperatorAccounts(this.db, operatorId);
  }

  /** Sign-in with an auth key: ids are unique across operators. */
  async findAuthKey(authKeyId: string): Promise<FoundAuthKey | undefined> {
    const row = await this.db
      .selectFrom("authKeys")
      .select(["authKeyId", "operatorId", "userName", "secretHash"])
      .where("authKeyId", "=", authKeyId)
      .executeTakeFirst();
    if (!row) return undefined;
    const { userName, ...key } = row;
    return userName === null ? key : { ...key, userName };
  }

  /** Records a successful sign-in with the key (lastUsedDateTime). */
  async touchAuthKey(authKeyId: string, now = Date.now()): Promise<void> {
    await this.db
      .updateTable("authKeys")
      .set({ lastUsedAt: now })
      .where("authKeyId", "=", authKeyId)
      .execute();
  }
}
