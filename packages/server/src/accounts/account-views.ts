import type { AuthKey, Role, User } from "../store/accounts.ts";

/** The answers' shapes as SORACOM's API has them: UNIX seconds, absent values left out, never null. */

const seconds = (ms: number) => Math.floor(ms / 1000);

export function authKeyView(key: AuthKey) {
  return {
    authKeyId: key.authKeyId,
    createDateTime: seconds(key.createdAt),
    ...(key.lastUsedAt === undefined ? {} : { lastUsedDateTime: seconds(key.lastUsedAt) }),
  };
}

/** A role as a user's `roleList` shows it. */
export function attachedRoleView(role: Role) {
  return {
    roleId: role.roleId,
    description: role.description,
    owner: "operator" as const,
    createDateTime: seconds(role.createdAt),
    updateDateTime: seconds(role.updatedAt),
  };
}

export function roleView(role: Role) {
  return {
    roleId: role.roleId,
    roleName: role.roleId,
    description: role.description,
    permission: role.permission,
    owner: "operator" as const,
    createDateTime: seconds(role.createdAt),
    updateDateTime: seconds(role.updatedAt),
  };
}

/** A user without a permission of its own reads `permission: ""`. */
export function userView(user: User) {
  return {
    userName: user.userName,
    description: user.description,
    hasPassword: user.hasPassword,
    permission: user.permission ?? "",
    authKeyList: user.authKeys.map(authKeyView),
    roleList: user.roles.map(attachedRoleView),
    createDateTime: seconds(user.createdAt),
    updateDateTime: seconds(user.updatedAt),
  };
}
