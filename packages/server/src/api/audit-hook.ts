import type { FastifyInstance, FastifyRequest } from "fastify";
import type { PendingRow } from "../bus/rows-insert.ts";
import { type AuditEntry, type AuditLogStore, pendingAuditRow } from "../store/audit-logs.ts";
import type { TokenActor } from "../store/store.ts";
import { apiNameOf } from "./api-name.ts";

const READ_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);
const MAX_PATH_LENGTH = 2_048;
/** Operations sent with POST that only read (a body too large or structured for a query string). */
const READ_OPERATIONS: ReadonlySet<string> = new Set(["Auth:checkPermissions"]);

/**
 * Writes an audit row for every authenticated call that may have changed something: a method other
 * than GET, HEAD or OPTIONS answered below 400 (POSTs that only read excepted), and every call
 * refused by a permission (403), which is what someone reviewing the log looks for. Other refusals
 * (400 validation, 404, 409, 429) and failures (5xx) changed nothing and are left out.
 *
 * onSend runs before the answer leaves, so the row is committed before the client sees the answer; a
 * route whose change is one bus write commits the row in that write instead (`auditRowWithChange`).
 * A failed write is logged and the answer still goes: the change it records is already made.
 */
export function auditChanges(api: FastifyInstance, auditLogs: AuditLogStore): void {
  api.addHook("onSend", async (request, reply, payload) => {
    if (recordedWithChange.has(request)) return payload;
    const entry = auditEntryOf(request, reply.statusCode);
    if (entry === undefined) return payload;
    try {
      await auditLogs.record(entry);
    } catch (error) {
      request.log.error({ err: error }, "an audit log row could not be written");
    }
    return payload;
  });
}

/** Requests whose audit row committed with the change they made (`auditRowWithChange`). */
const recordedWithChange = new WeakSet<FastifyRequest>();

/**
 * For a route whose change is one bus write (an event sent in): the request's audit row, as it will be
 * answered with `statusCode`, to commit in that write, which spares the answer a commit of its own.
 * Call `recorded()` once the write stored it; otherwise onSend records the row as usual.
 */
export function auditRowWithChange(
  request: FastifyRequest,
  statusCode: number,
): { rows: PendingRow[]; recorded(): void } {
  const entry = auditEntryOf(request, statusCode);
  return {
    rows: entry === undefined ? [] : [pendingAuditRow(entry)],
    recorded: () => recordedWithChange.add(request),
  };
}

/** The row of an authenticated call that may have changed something, or undefined when it gets none. */
function auditEntryOf(request: FastifyRequest, statusCode: number): AuditEntry | undefined {
  // Undefined outside the authenticated scope (an incoming webhook's secret URL), null before sign-in.
  const caller = request.principal;
  if (!caller) return undefined;
  const apiName = apiNameOf(request);
  const reads = READ_METHODS.has(request.method) || (apiName !== undefined && READ_OPERATIONS.has(apiName));
  if (reads || (statusCode >= 400 && statusCode !== 403)) return undefined;
  return {
    operatorId: caller.operatorId,
    ...(caller.userName === undefined ? {} : { userName: caller.userName }),
    apiKind: apiKindOf(request),
    ...(apiName === undefined ? {} : { apiName }),
    requestPath: requestPathOf(request),
    remoteIpAddress: request.ip,
    requestedTimeEpochMs: Date.now(),
    statusCode,
    ...(caller.actor === undefined ? {} : { actor: caller.actor }),
  };
}

/**
 * For POST /v1/auth (accounts/auth-routes.ts): one row a sign-in, accepted or refused, under the
 * operator it was for. A refused sign-in of no known operator has nobody to show it to and is not
 * recorded. Awaited before the answer is sent. A partner switching into a customer
 * (partners/switch-user-route.ts) is a sign-in of the customer's root user with the partner as actor.
 */
export async function recordSignIn(
  auditLogs: AuditLogStore,
  request: FastifyRequest,
  signIn: { operatorId: string; userName?: string; statusCode: number; actor?: TokenActor },
): Promise<void> {
  await auditLogs.record({
    operatorId: signIn.operatorId,
    ...(signIn.userName === undefined ? {} : { userName: signIn.userName }),
    apiKind: apiKindOf(request),
    apiName: apiNameOf(request) ?? "Auth:auth",
    requestPath: requestPathOf(request),
    remoteIpAddress: request.ip,
    requestedTimeEpochMs: Date.now(),
    statusCode: signIn.statusCode,
    ...(signIn.actor === undefined ? {} : { actor: signIn.actor }),
  });
}

/** Every route's apiKind, made once: a bounded set (the routes), asked for on every change. */
const apiKinds = new Map<string, string>();

/** The route as OpenAPI writes it, `/v1/apps/{appId}`: what SORACOM's apiKind holds (e.g. `/v1/auth`). */
function apiKindOf(request: FastifyRequest): string {
  const route = request.routeOptions.url;
  if (route === undefined) return openApiPath(requestPathOf(request));
  let apiKind = apiKinds.get(route);
  if (apiKind === undefined) {
    apiKind = openApiPath(route);
    apiKinds.set(route, apiKind);
  }
  return apiKind;
}

const openApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

/** The path without the query string, which may carry values nobody should read in a log. */
function requestPathOf(request: FastifyRequest): string {
  const path = request.url.split("?", 1)[0] ?? "";
  return path.slice(0, MAX_PATH_LENGTH);
}
