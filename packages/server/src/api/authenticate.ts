import type { FastifyInstance, FastifyRequest } from "fastify";
import { hashSecret } from "../auth/tokens.ts";
import { UserError } from "../errors.ts";
import type { OperatorStore, Store } from "../store/store.ts";

declare module "fastify" {
  interface FastifyRequest {
    operatorStore: OperatorStore | null;
    /** The e-mail address of the user the request's token was issued to. */
    userEmail: string | null;
  }
}

function header(request: FastifyRequest, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = request.headers[name];
    if (typeof value === "string" && value) return value;
  }
  return undefined;
}

/** Our headers, and SORACOM's so that Flux scripts work unchanged. */
export function readCredentials(request: FastifyRequest): { apiKey: string; token: string } | undefined {
  const apiKey = header(request, "x-conflux-api-key", "x-soracom-api-key");
  const token = header(request, "x-conflux-token", "x-soracom-token");
  return apiKey && token ? { apiKey, token } : undefined;
}

/**
 * Routes registered inside `register` need an API key and token; they see only their operator's store.
 * It runs first (onRequest): a caller without a valid token gets 401 before its body is even read.
 */
export function requireOperator(api: FastifyInstance, store: Store): void {
  api.decorateRequest("operatorStore", null);
  api.decorateRequest("userEmail", null);
  api.addHook("onRequest", async (request) => {
    const credentials = readCredentials(request);
    if (!credentials)
      throw new UserError("unauthorized", "send X-Conflux-API-Key and X-Conflux-Token (from POST /v1/auth)");
    const token = await store.findToken(hashSecret(credentials.token));
    if (!token || token.apiKey !== credentials.apiKey || token.expiresAt <= Date.now())
      throw new UserError("unauthorized", "the API key or token is invalid or expired; log in again");
    request.operatorStore = store.forOperator(token.operatorId);
    request.userEmail = token.email;
  });
}

export function operatorOf(request: FastifyRequest): OperatorStore {
  if (!request.operatorStore) throw new UserError("unauthorized", "not authenticated");
  return request.operatorStore;
}
