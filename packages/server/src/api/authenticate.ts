import type { FastifyInstance, FastifyRequest } from "fastify";
import { hashSecret } from "../auth/tokens.ts";
import { UserError } from "../errors.ts";
import type { OperatorStore, Store, Suspension, TokenActor } from "../store/store.ts";
import { readSessionCookie, requireStudioHeader } from "./session-cookie.ts";

/** Who is calling: the root user of `operatorId`, or its user `userName`. */
export interface Principal {
  operatorId: string;
  /** Absent for the root user. */
  userName?: string;
  /** The SHA-256 of the request's token (POST /token and logout act on it). */
  tokenHash: string;
  /** When the request's token ends (Unix ms): tokens it issues end no later when it is switched. */
  expiresAt: number;
  /** How the token came: X-Conflux-* headers (CLI, scripts) or the studio's session cookie. */
  via: "headers" | "cookie";
  /** A switched token's partner (POST /v1/auth/switch_user): who really acts. */
  actor?: TokenActor;
  /** Present while the operator is suspended (refuse-while-suspended.ts). */
  suspension?: Suspension;
}

declare module "fastify" {
  interface FastifyRequest {
    operatorStore: OperatorStore | null;
    principal: Principal | null;
    /** Who made a change, as app versions record it: the root user's e-mail address or a user's name. */
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

/** The token a request authenticates with, and whether its API key must match (headers) or is never disclosed (cookie). */
function presentedToken(request: FastifyRequest): { token: string; apiKey?: string } | undefined {
  const credentials = readCredentials(request);
  if (credentials) return credentials;
  const token = readSessionCookie(request);
  if (!token) return undefined;
  requireStudioHeader(request);
  return { token };
}

/**
 * Routes registered inside `register` need an API key and token, or the studio's session cookie; they
 * see only their operator's store. It runs first (onRequest): a caller without a valid token gets 401
 * before its body is even read.
 */
export function requireOperator(api: FastifyInstance, store: Store): void {
  api.decorateRequest("operatorStore", null);
  api.decorateRequest("principal", null);
  api.decorateRequest("userEmail", null);
  api.addHook("onRequest", async (request) => {
    const presented = presentedToken(request);
    if (!presented)
      throw new UserError("unauthorized", "send X-Conflux-API-Key and X-Conflux-Token (from POST /v1/auth)");
    const tokenHash = hashSecret(presented.token);
    const token = await store.findToken(tokenHash);
    const keyMatches = presented.apiKey === undefined || token?.apiKey === presented.apiKey;
    if (!token || !keyMatches || token.expiresAt <= Date.now())
      throw new UserError("unauthorized", "the API key or token is invalid or expired; log in again");
    request.principal = {
      operatorId: token.operatorId,
      ...(token.userName === undefined ? {} : { userName: token.userName }),
      tokenHash,
      expiresAt: token.expiresAt,
      via: presented.apiKey === undefined ? "cookie" : "headers",
      ...(token.actor === undefined ? {} : { actor: token.actor }),
      ...(token.suspension ? { suspension: token.suspension } : {}),
    };
    request.operatorStore = store.forOperator(token.operatorId);
    request.userEmail = token.userName ?? token.email;
  });
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new UserError("unauthorized", "not authenticated");
  return request.principal;
}

export function operatorOf(request: FastifyRequest): OperatorStore {
  if (!request.operatorStore) throw new UserError("unauthorized", "not authenticated");
  return request.operatorStore;
}
