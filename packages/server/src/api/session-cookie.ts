import cookie from "@fastify/cookie";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { UserError } from "../errors.ts";

/**
 * The studio's session, shared by every tab of the browser: an HttpOnly cookie no script can read,
 * holding a token whose API key is never disclosed, so the value works only as this cookie and not as
 * X-Conflux-Token. The header scheme stays for the CLI and scripts and wins when both are sent.
 */
export const sessionCookie = "conflux_session";
/** While a partner acts as a customer: the partner's own session, resumed by POST /v1/auth/switch_back. */
export const partnerSessionCookie = "conflux_partner_session";
/**
 * A provider administrator's console session (POST /v1/provider/auth/session): a cookie of its own,
 * sent only to the provider's routes, so it never meets the operator's session and neither signs the
 * other in or out.
 */
export const providerSessionCookie = { name: "conflux_provider_session", path: "/v1/provider" };

/**
 * The header every studio request carries. A cross-site form or link cannot set a custom header, and
 * a cross-site fetch that sets one needs a CORS preflight this server never grants, so an unsafe call
 * that has it came from the studio itself (SameSite=Strict already keeps the cookie off cross-site
 * requests; this holds even where a browser or a sibling subdomain weakens that).
 */
export const studioHeader = "x-conflux-studio";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

export async function registerSessionCookies(api: FastifyInstance): Promise<void> {
  await api.register(cookie);
}

/** The cookie's token when the request has no API key and token headers, else undefined. */
export function readSessionCookie(request: FastifyRequest, name = sessionCookie): string | undefined {
  const value = request.cookies?.[name];
  return value || undefined;
}

/** Refuses (403) an unsafe method authenticated by the cookie without the studio's header. */
export function requireStudioHeader(request: FastifyRequest): void {
  if (safeMethods.has(request.method) || request.headers[studioHeader] === "1") return;
  throw new UserError(
    "forbidden",
    `a request authenticated by the studio's session cookie must send ${studioHeader}: 1 (cross-site requests are refused)`,
  );
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  expiresAt: number,
  name = sessionCookie,
  path = "/",
): void {
  reply.setCookie(name, token, {
    httpOnly: true,
    sameSite: "strict",
    path,
    secure: request.protocol === "https",
    maxAge: Math.max(0, Math.floor((expiresAt - Date.now()) / 1000)),
  });
}

export function clearSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  name = sessionCookie,
  path = "/",
): void {
  reply.clearCookie(name, {
    httpOnly: true,
    sameSite: "strict",
    path,
    secure: request.protocol === "https",
  });
}
