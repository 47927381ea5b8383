import type { FastifyRequest } from "fastify";
import { operatorOf } from "../api/authenticate.ts";
import { UserError } from "../errors.ts";
import type { OperatorStore } from "../store/store.ts";

/** The caller's operator, when the path names it: an operator id in a path is never a way into another account. */
export function ownOperator(request: FastifyRequest, operatorId: string): OperatorStore {
  const store = operatorOf(request);
  if (store.operatorId !== operatorId)
    throw new UserError("forbidden", `operator ${operatorId} is not the one you signed in to`);
  return store;
}
