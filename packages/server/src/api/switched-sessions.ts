import { apiPatternMatches } from "../auth/permissions/api-pattern.ts";
import { UserError } from "../errors.ts";
import type { Principal } from "./authenticate.ts";

/**
 * What a token from POST /v1/auth/switch_user may not do, whatever the customer's root user may:
 * switch again, or make credentials that outlive it (auth keys never expire; a user's password
 * signs in after the switch ended). Fresh tokens it asks for end with it instead
 * (accounts/token-routes.ts).
 */
export const refusedToSwitchedSessions: readonly string[] = [
  "Auth:switchUser",
  "AuthKey:createOperatorAuthKey",
  "AuthKey:createUserAuthKey",
  "User:createUserPassword",
];

/** Refuses a switched session (403) an operation of the list above. */
export function refuseSwitchedSession(principal: Principal, apiName: string): void {
  if (principal.actor === undefined) return;
  if (refusedToSwitchedSessions.some((pattern) => apiPatternMatches(pattern, apiName)))
    throw new UserError(
      "forbidden",
      `a session switched into by a partner (POST /v1/auth/switch_user) may not call ${apiName}`,
    );
}
