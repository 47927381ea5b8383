import { createContext, useContext } from "react";
import type { HttpClient } from "../api/client.ts";
import type { apiNameIn } from "./api-names.ts";

/**
 * The console's calls for users, roles, auth keys, MFA, tokens and the audit log, in the exact shapes of
 * shared/spec/accounts.md (SORACOM's API): times are whole UNIX seconds, fields without a value are absent.
 */

export interface AuthKeySummary {
  authKeyId: string;
  createDateTime: number;
  lastUsedDateTime?: number;
}

/** `POST …/auth_keys` answers the secret once; it is never readable again. */
export interface NewAuthKey {
  authKeyId: string;
  authKey: string;
}

export interface RoleSummary {
  roleId: string;
  description: string;
  owner: "operator";
  createDateTime: number;
  updateDateTime: number;
}

export interface Role extends RoleSummary {
  roleName: string;
  /** A permission document as JSON text (`{"statements": [...]}`). */
  permission: string;
}

export interface User {
  userName: string;
  description: string;
  hasPassword: boolean;
  /** The user's own permission document as JSON text. */
  permission: string;
  authKeyList: AuthKeySummary[];
  roleList: RoleSummary[];
  createDateTime: number;
  updateDateTime: number;
}

export type MfaStatus = "ACTIVE" | "INACTIVE";

export interface AuditLogEntry {
  apiKind: string;
  apiName: string;
  requestPath: string;
  operatorId: string;
  userName?: string;
  remoteIpAddress: string;
  requestedTimeEpochMs: number;
  statusCode: number;
}

export interface AuditLogQuery {
  fromEpochMs?: number | undefined;
  toEpochMs?: number | undefined;
  limit?: number | undefined;
  /** The `requestedTimeEpochMs` of the last entry of the previous page. */
  lastEvaluatedKey?: number | undefined;
}

/** Whose keys, MFA and tokens a call is about: the root user, or one user of the operator. */
export type Owner = { kind: "root" } | { kind: "user"; userName: string };

const segment = encodeURIComponent;

export function createAccountsApi(http: HttpClient, operatorId: () => string) {
  const operator = () => `/v1/operators/${segment(operatorId())}`;
  const user = (userName: string) => `${operator()}/users/${segment(userName)}`;
  const ownerPath = (owner: Owner) => (owner.kind === "root" ? operator() : user(owner.userName));

  return {
    /** The API names (of those asked) the signed-in principal may call. */
    allowedApiNames: async (apiNames: readonly string[]) =>
      (await http.json<{ allowed: string[] }>("POST", "/v1/auth/permissions/check", { body: { apiNames } }))
        .allowed,

    /** The OpenAPI document: every route with its API name (tag and operationId). */
    openApiDocument: () => http.json<Parameters<typeof apiNameIn>[0]>("GET", "/v1/openapi.json"),

    listUsers: () => http.json<User[]>("GET", `${operator()}/users`),
    getUser: (userName: string) => http.json<User>("GET", user(userName)),
    createUser: (userName: string, description: string) =>
      http.json<void>("POST", user(userName), { body: { description } }),
    updateUser: (userName: string, description: string) =>
      http.json<void>("PUT", user(userName), { body: { description } }),
    deleteUser: (userName: string) => http.json<void>("DELETE", user(userName)),
    setUserPassword: (userName: string, password: string) =>
      http.json<void>("POST", `${user(userName)}/password`, { body: { password } }),
    /** `permission` is the JSON text, sent as a string as SORACOM's API takes it; a description replaces the user's. */
    setUserPermission: (userName: string, permission: string, description?: string) =>
      http.json<void>("PUT", `${user(userName)}/permission`, {
        body: { permission, ...(description === undefined ? {} : { description }) },
      }),
    attachRole: (userName: string, roleId: string) =>
      http.json<void>("POST", `${user(userName)}/roles`, { body: { roleId } }),
    detachRole: (userName: string, roleId: string) =>
      http.json<void>("DELETE", `${user(userName)}/roles/${segment(roleId)}`),

    listRoles: () => http.json<Role[]>("GET", `${operator()}/roles`),
    getRole: (roleId: string) => http.json<Role>("GET", `${operator()}/roles/${segment(roleId)}`),
    createRole: (roleId: string, permission: string, description: string) =>
      http.json<{ roleId: string }>("POST", `${operator()}/roles/${segment(roleId)}`, {
        body: { permission, description },
      }),
    updateRole: (roleId: string, permission: string, description: string) =>
      http.json<void>("PUT", `${operator()}/roles/${segment(roleId)}`, { body: { permission, description } }),
    deleteRole: (roleId: string) => http.json<void>("DELETE", `${operator()}/roles/${segment(roleId)}`),

    getDefaultPermissions: async () =>
      (await http.json<{ defaultPermissions: string }>("GET", `${operator()}/users/default_permissions`))
        .defaultPermissions,
    setDefaultPermissions: (permissions: string) =>
      http.json<void>("PUT", `${operator()}/users/default_permissions`, { body: { permissions } }),

    listAuthKeys: (owner: Owner) => http.json<AuthKeySummary[]>("GET", `${ownerPath(owner)}/auth_keys`),
    createAuthKey: (owner: Owner) => http.json<NewAuthKey>("POST", `${ownerPath(owner)}/auth_keys`),
    deleteAuthKey: (owner: Owner, authKeyId: string) =>
      http.json<void>("DELETE", `${ownerPath(owner)}/auth_keys/${segment(authKeyId)}`),

    getMfaStatus: async (owner: Owner) =>
      (await http.json<{ status: MfaStatus }>("GET", `${ownerPath(owner)}/mfa`)).status,
    /** Starts MFA set-up: the `otpauth://totp/…` URI an authenticator app reads from a QR code. */
    startMfa: async (owner: Owner) =>
      (await http.json<{ totpUri: string }>("POST", `${ownerPath(owner)}/mfa`)).totpUri,
    /** Turns MFA on; root gets 5 backup codes once, a user none (204). */
    verifyMfa: async (owner: Owner, mfaOTPCode: string) =>
      (
        await http.json<{ backupCodes?: string[] } | undefined>("POST", `${ownerPath(owner)}/mfa/verify`, {
          body: { mfaOTPCode },
        })
      )?.backupCodes ?? [],
    /** Root confirms with its password; a user's DELETE takes no body (as SORACOM's API). */
    turnOffMfa: (owner: Owner, password?: string) =>
      http.json<void>(
        "DELETE",
        `${ownerPath(owner)}/mfa`,
        owner.kind === "root" ? { body: { password: password ?? "" } } : {},
      ),

    /** Ends every token of the root user or of one user ("sign out everywhere"). */
    endAllTokens: (owner: Owner) => http.json<void>("DELETE", `${ownerPath(owner)}/tokens`),

    listAuditLogs: (query: AuditLogQuery) => {
      const params = new URLSearchParams();
      if (query.fromEpochMs !== undefined) params.set("from_epoch_ms", String(query.fromEpochMs));
      if (query.toEpochMs !== undefined) params.set("to_epoch_ms", String(query.toEpochMs));
      if (query.limit !== undefined) params.set("limit", String(query.limit));
      if (query.lastEvaluatedKey !== undefined)
        params.set("last_evaluated_key", String(query.lastEvaluatedKey));
      const text = params.toString();
      return http.json<AuditLogEntry[]>("GET", `/v1/audit_logs/api${text ? `?${text}` : ""}`);
    },
  };
}

export type AccountsApi = ReturnType<typeof createAccountsApi>;

export const AccountsApiContext = createContext<AccountsApi | undefined>(undefined);

export function useAccountsApi(): AccountsApi {
  const api = useContext(AccountsApiContext);
  if (!api) throw new Error("useAccountsApi outside <Studio>");
  return api;
}
