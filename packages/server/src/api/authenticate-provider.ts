import type { FastifyInstance, FastifyRequest } from "fastify";
import { hashSecret } from "../auth/tokens.ts";
import { UserError } from "../errors.ts";
import type { ProviderStore } from "../store/provider.ts";
import { readCredentials } from "./authenticate.ts";
import { providerSessionCookie, readSessionCookie, requireStudioHeader } from "./session-cookie.ts";

/** A provider administrator signed in at POST /v1/provider/auth. */
export interface ProviderAdmin {
  email: string;
  /** The SHA-256 of the request's token (sign-out ends it). */
  tokenHash: string;
}

declare module "fastify" {
  interface FastifyRequest {
    providerAdmin: ProviderAdmin | null;
  }
}

/** The token a request authenticates with: the headers (API key must match), or the console's cookie. */
function presentedToken(request: FastifyRequest): { token: string; apiKey?: string } | undefined {
  const credentials = readCredentials(request);
  if (credentials) return credentials;
  const token = readSessionCookie(request, providerSessionCookie.name);
  if (!token) return undefined;
  requireStudioHeader(request);
  return { token };
}

/**
 * Routes of the provider's console need an administrator's API key and token, or the console's
 * session cookie. Admin tokens live in
 * their own table, so an operator's token is unknown here (401) and an admin's is unknown to the
 * operators' routes: neither side reaches the other's routes by accident.
 */
export function requireProviderAdmin(api: FastifyInstance, provider: ProviderStore): void {
  api.decorateRequest("providerAdmin", null);
  api.addHook("onRequest", async (request) => {
    const presented = presentedToken(request);
    if (!presented)
      throw new UserError(
        "unauthorized",
        "send X-Conflux-API-Key and X-Conflux-Token of a provider administrator (from POST /v1/provider/auth)",
      );
    const tokenHash = hashSecret(presented.token);
    const token = await provider.findToken(tokenHash);
    const keyMatches = presented.apiKey === undefined || token?.apiKey === presented.apiKey;
    if (!token || !keyMatches || token.expiresAt <= Date.now())
      throw new UserError(
        "unauthorized",
        "the API key or token is not a provider administrator's, or it expired; sign in at POST /v1/provider/auth",
      );
    request.providerAdmin = { email: token.email, tokenHash };
  });
}

/**
 * A provider route naming an operator in its path (`…/operators/{operatorId}/…`) answers 404 when no
 * operator has that id, before its handler runs: one check for every feature's provider routes.
 */
export function requireKnownOperator(api: FastifyInstance, provider: ProviderStore): void {
  api.addHook("preValidation", async (request) => {
    const { operatorId } = (request.params ?? {}) as { operatorId?: unknown };
    if (typeof operatorId === "string" && !(await provider.operatorExists(operatorId)))
      throw new UserError("not_found", `no operator ${operatorId}`);
  });
}

export function providerAdminOf(request: FastifyRequest): ProviderAdmin {
  if (!request.providerAdmin)
    throw new UserError("unauthorized", "not signed in as a provider administrator");
  return request.providerAdmin;
}
