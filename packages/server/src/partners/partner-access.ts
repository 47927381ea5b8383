import type { FastifyRequest } from "fastify";
import { type Principal, principalOf } from "../api/authenticate.ts";
import { UserError } from "../errors.ts";
import type { PartnerStore } from "../store/partners.ts";

/** The calling principal when its operator is a partner; 403 for every other operator. */
export async function partnerPrincipalOf(
  request: FastifyRequest,
  partners: PartnerStore,
): Promise<Principal> {
  const principal = principalOf(request);
  if (!(await partners.isPartner(principal.operatorId)))
    throw new UserError(
      "forbidden",
      `operator ${principal.operatorId} is not a partner; the provider makes an operator a partner`,
    );
  return principal;
}

/** The partner's customer `customerOperatorId`; 404 for any other operator, as if it did not exist. */
export async function customerOf(
  partners: PartnerStore,
  partnerOperatorId: string,
  customerOperatorId: string,
) {
  const customer = await partners.findCustomer(partnerOperatorId, customerOperatorId);
  if (!customer) throw new UserError("not_found", `no customer ${customerOperatorId}`);
  return customer;
}
