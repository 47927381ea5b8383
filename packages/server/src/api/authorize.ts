import type { FastifyInstance, FastifyRequest } from "fastify";
import { evaluatePermissions, type Permission, parsePermission } from "../auth/permissions/index.ts";
import { UserError } from "../errors.ts";
import type { AccountStore } from "../store/accounts.ts";
import { apiNameOf } from "./api-name.ts";
import { type Principal, principalOf } from "./authenticate.ts";
import { isRootOnly } from "./root-only.ts";
import { refuseSwitchedSession } from "./switched-sessions.ts";

/**
 * Who besides a permitted caller may call a route: `anyCaller` — every authenticated principal
 * (acts only on its own session, e.g. a fresh token); `self` — a user on its own `userName` path
 * variable (the handler then asks for proof, e.g. the current password).
 */
export type Authorization = "anyCaller" | "self";

declare module "fastify" {
  interface FastifyContextConfig {
    authorization?: Authorization;
  }
}

/** The facts a permission is evaluated on, apart from the API name. */
export interface CallContext {
  ipAddress: string;
  pathVariables: Readonly<Record<string, string>>;
  now: Date;
}

/** Parsed permissions by their text: the same few texts are read on every call of an operator's users. */
const parsedByText = new Map<string, Permission | null>();

/**
 * Stored texts were valid when saved; one that no longer parses (the language changed) grants
 * nothing rather than failing every call of the user.
 */
function parsed(text: string): Permission | null {
  let permission = parsedByText.get(text);
  if (permission === undefined) {
    try {
      permission = parsePermission(text);
    } catch {
      permission = null;
    }
    if (parsedByText.size >= 1_000) parsedByText.clear();
    parsedByText.set(text, permission);
  }
  return permission;
}

/** Decides what principals may call: root everything but nothing is root-only for users. */
export class PermissionChecker {
  constructor(private readonly accounts: AccountStore) {}

  /** A user's statements: its own, its roles' and the operator's defaults; none for an unknown user. */
  async permissionsOf(principal: Principal & { userName: string }): Promise<Permission[]> {
    const texts = await this.accounts.forOperator(principal.operatorId).permissionsOf(principal.userName);
    if (!texts) return [];
    return [texts.own, ...texts.roles, texts.defaults]
      .filter((text): text is string => text !== undefined)
      .map(parsed)
      .filter((permission): permission is Permission => permission !== null);
  }

  /** Whether the principal may call `apiName`, given the user's permissions (read once per call). */
  allows(
    principal: Principal,
    permissions: readonly Permission[],
    apiName: string,
    call: CallContext,
  ): boolean {
    if (principal.userName === undefined) return true;
    if (isRootOnly(apiName)) return false;
    return evaluatePermissions(permissions, { apiName, ...call, samUserName: principal.userName }).allowed;
  }
}

export function forbidden(principal: Principal, apiName: string): UserError {
  const who = principal.userName === undefined ? "the root user" : `user ${principal.userName}`;
  const rootOnly = isRootOnly(apiName) ? " (only the root user may)" : "";
  return new UserError("forbidden", `${who} is not allowed to call ${apiName}${rootOnly}`);
}

function pathVariablesOf(request: FastifyRequest): Record<string, string> {
  const params = (request.params ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

/**
 * The one authorization check of every authenticated route, before its body is validated: the
 * path's operator must be the caller's, and a user needs a permission for the route's API name.
 * Registered once on the authenticated scope, so no route can leave it out.
 */
export function requirePermission(api: FastifyInstance, checker: PermissionChecker): void {
  api.addHook("preValidation", async (request) => {
    const principal = principalOf(request);
    const apiName = apiNameOf(request);
    // requireApiNames refuses such routes at start-up; this keeps a gap from failing open.
    if (!apiName) throw new UserError("forbidden", "this operation has no API name");
    const pathVariables = pathVariablesOf(request);
    // Another operator's path reads as an unknown one: nothing says whether it exists.
    if (pathVariables.operatorId !== undefined && pathVariables.operatorId !== principal.operatorId)
      throw new UserError("not_found", `no operator ${pathVariables.operatorId}`);
    refuseSwitchedSession(principal, apiName);
    if (principal.userName === undefined) return;
    const authorization = request.routeOptions.config.authorization;
    if (authorization === "anyCaller") return;
    if (authorization === "self" && pathVariables.userName === principal.userName) return;
    const permissions = await checker.permissionsOf({ ...principal, userName: principal.userName });
    const call = { ipAddress: request.ip, pathVariables, now: new Date() };
    if (!checker.allows(principal, permissions, apiName, call)) throw forbidden(principal, apiName);
  });
}
