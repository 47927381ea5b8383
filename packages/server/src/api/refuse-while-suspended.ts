import type { FastifyInstance } from "fastify";
import { suspendedError } from "../runtime/suspended-operators.ts";
import { apiNameOf } from "./api-name.ts";

/**
 * Calls a suspended operator may still make besides reads: signing out, and asking what it may call
 * (the console asks that to draw itself, so the person can read why the account is suspended).
 */
const allowedWhileSuspended = new Set(["Auth:logout", "Auth:checkPermissions"]);

/**
 * A suspended operator's API answers reads only [ToS 5.1.3]: every other call is 403
 * `operator_suspended`. The status comes with the token's lookup (authenticate.ts), so it costs no query.
 */
export function refuseChangesWhileSuspended(api: FastifyInstance): void {
  api.addHook("onRequest", async (request) => {
    const suspension = request.principal?.suspension;
    if (!suspension || request.method === "GET" || request.method === "HEAD") return;
    if (allowedWhileSuspended.has(apiNameOf(request) ?? "")) return;
    throw suspendedError(suspension);
  });
}
