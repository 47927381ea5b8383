import { createContext, useContext, useEffect, useMemo, useState } from "react";
import type { Session } from "../api/session.ts";

/**
 * The API names behind the console's pages and buttons. The console asks the server which of them the
 * signed-in principal may call (`POST /v1/auth/permissions/check`) and shows only those; the server
 * still checks every call, so this only spares a user buttons that would answer 403.
 */
export const consoleApiNames = [
  "App:listApps",
  "App:createApp",
  "App:updateApp",
  "App:deleteApp",
  "App:importApp",
  "AppVersion:restoreAppVersion",
  "Credential:listCredentials",
  "Credential:putCredential",
  "Device:listDevices",
  "FileEntry:getFile",
  "FailedDelivery:listFailedDeliveries",
  "User:listUsers",
  "User:createUser",
  "User:deleteUser",
  "User:updateUserPermission",
  "Role:listRoles",
  "AuditLog:getApiAuditLogs",
  "Usage:getUsage",
  "Usage:updateUsageQuotas",
  "Outage:listOutages",
  "Billing:listInvoices",
  "Coupon:listCoupons",
  "Partner:listCustomers",
] as const;

export type ConsoleApiName = (typeof consoleApiNames)[number];

export interface Permissions {
  /** Whether the signed-in principal may call the API; true until known otherwise. */
  can(apiName: ConsoleApiName): boolean;
  /** False while the answer is awaited: pages a user may not see are left out until it comes. */
  known: boolean;
}

const everything: Permissions = { can: () => true, known: true };

export const PermissionsContext = createContext<Permissions>(everything);

export function usePermissions(): Permissions {
  return useContext(PermissionsContext);
}

/**
 * The root user may call everything the console offers (root is never evaluated), so only a user's
 * session asks. When the server cannot answer, every button shows and the server's 403 speaks instead.
 */
export function useSessionPermissions(
  session: Session | undefined,
  allowedApiNames: (apiNames: readonly string[]) => Promise<string[]>,
): Permissions {
  const [allowed, setAllowed] = useState<ReadonlySet<string> | "all" | undefined>();
  // Whose permissions: asked again when another user signs in.
  const user = session?.userName === undefined ? undefined : `${session.operatorId}/${session.userName}`;
  const asks = user !== undefined;
  useEffect(() => {
    setAllowed(undefined);
    if (!user) return;
    let current = true;
    allowedApiNames(consoleApiNames).then(
      (names) => current && setAllowed(new Set(names)),
      () => current && setAllowed("all"),
    );
    return () => {
      current = false;
    };
  }, [user, allowedApiNames]);
  return useMemo(() => {
    if (!asks || allowed === "all") return everything;
    if (!allowed) return { can: () => false, known: false };
    return { can: (apiName) => allowed.has(apiName), known: true };
  }, [asks, allowed]);
}
