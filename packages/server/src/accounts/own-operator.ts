import type { FastifyRequest } from "fastify";
import { operatorOf, principalOf } from "../api/authenticate.ts";
import { UserError } from "../errors.ts";
import type { OperatorStore } from "../store/store.ts";

/**
 * The caller's operator, when the path names it: an operator id in a path is never a way into
 * another account (the authorization hook checks it too; another operator reads as unknown).
 */
export function ownOperator(request: FastifyRequest, operatorId: string): OperatorStore {
  const store = operatorOf(request);
  if (store.operatorId !== operatorId) throw new UserError("not_found", `no operator ${operatorId}`);
  return store;
}

/** The root user's own settings (its MFA): never a user's to change, whatever its permissions. */
export function rootOnly(request: FastifyRequest, operatorId: string): OperatorStore {
  const store = ownOperator(request, operatorId);
  if (principalOf(request).userName !== undefined)
    throw new UserError("forbidden", "only the root user manages its own MFA");
  return store;
}
