import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { UserError } from "../errors.ts";
import type { PartnerStore } from "../store/partners.ts";

/** The provider makes an operator a partner [ToS 8.1], or no longer one. */
export async function providerPartnerRoute(
  api: FastifyInstance,
  { partners }: { partners: PartnerStore },
): Promise<void> {
  api.withTypeProvider<ZodTypeProvider>().put(
    "/v1/provider/operators/:operatorId/partner",
    {
      schema: {
        summary:
          "Make an operator a partner, which creates and switches into customer operators, or no longer one (its switched sessions end)",
        tags: ["Provider"],
        operationId: "putProviderOperatorPartner",
        params: z.object({ operatorId: z.string().max(64) }),
        body: z.strictObject({ partner: z.boolean() }),
        response: { 200: z.object({ operatorId: z.string(), partner: z.boolean() }) },
      },
    },
    async (request) => {
      const { operatorId } = request.params;
      const { partner } = request.body;
      if (!(await partners.setPartner(operatorId, partner)))
        throw new UserError("not_found", `no operator ${operatorId}`);
      return { operatorId, partner };
    },
  );
}
