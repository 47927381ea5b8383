// The permission language of users, roles and default permissions (SORACOM SAM's format).
export { type CallFacts, evaluatePermissions, type PermissionDecision } from "./evaluate.ts";
export { MAX_PERMISSION_LENGTH, type Permission, parsePermission, type Statement } from "./permission.ts";
