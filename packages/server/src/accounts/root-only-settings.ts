import type { FastifyRequest } from "fastify";
import { operatorOf, principalOf } from "../api/authenticate.ts";
import { UserError } from "../errors.ts";
import type { OperatorStore } from "../store/store.ts";

/**
 * The root user's own settings (its MFA): never a user's to change, whatever its permissions. The
 * path's operator is the caller's: the authorization hook answers 404 for any other.
 */
export function rootOnly(request: FastifyRequest): OperatorStore {
  if (principalOf(request).userName !== undefined)
    throw new UserError("forbidden", "only the root user manages its own MFA");
  return operatorOf(request);
}
