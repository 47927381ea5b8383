import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { listSchema, wholeList } from "../api/list-envelope.ts";
import { newPasswordSchema } from "../auth/password-policy.ts";
import { hashPassword } from "../auth/passwords.ts";
import { newOperatorId } from "../auth/tokens.ts";
import { UserError } from "../errors.ts";
import type { BillingCalendar } from "../runtime/billing-calendar.ts";
import type { UsageMeter } from "../runtime/ports/usage-meter.ts";
import type { PartnerCustomer, PartnerStore } from "../store/partners.ts";
import { customerUsage } from "./customer-usage.ts";
import { customerOf, partnerPrincipalOf } from "./partner-access.ts";

export interface CustomerRouteDeps {
  partners: PartnerStore;
  usage: UsageMeter;
  billingCalendar: Pick<BillingCalendar, "month">;
}

const emailSchema = z
  .email("not an e-mail address")
  .max(254)
  .transform((value) => value.toLowerCase());

const usageSchema = z.object({ month: z.string(), events: z.number(), aiCredits: z.number() });
const customerSchema = z.object({ operatorId: z.string(), email: z.string(), createDateTime: z.number() });
const listedCustomerSchema = customerSchema.extend({ status: z.string(), usage: usageSchema });
/** The path names the customer `customerOperatorId`: an `operatorId` path variable must be the caller's own. */
const customerParams = z.object({ customerOperatorId: z.string().max(64) });

function customerView(customer: Omit<PartnerCustomer, "status">) {
  return {
    operatorId: customer.operatorId,
    email: customer.email,
    createDateTime: Math.floor(customer.createdAt / 1000),
  };
}

/** A partner's customers [ToS 8]: create them, list them with their usage, read one's usage. */
export async function customerRoutes(
  api: FastifyInstance,
  { partners, usage, billingCalendar }: CustomerRouteDeps,
): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();

  routes.post(
    "/v1/partner/customers",
    {
      schema: {
        summary: "Create a customer operator (with its root user) under the calling partner",
        tags: ["Partner"],
        operationId: "createCustomer",
        body: z.object({ email: emailSchema, password: newPasswordSchema }),
        response: { 201: customerSchema },
      },
    },
    async (request, reply) => {
      const partner = await partnerPrincipalOf(request, partners);
      const { email } = request.body;
      const passwordHash = await hashPassword(request.body.password);
      for (let attempt = 0; attempt < 5; attempt++) {
        const operator = { operatorId: newOperatorId(), email, passwordHash, createdAt: Date.now() };
        const outcome = await partners.createCustomer(partner.operatorId, operator);
        if (outcome === "id_taken") continue;
        if (outcome === "email_taken")
          throw new UserError("conflict", `an operator with the e-mail address ${email} exists already`);
        return reply.status(201).send(customerView(operator));
      }
      throw new Error("no free operator id after 5 tries");
    },
  );

  routes.get(
    "/v1/partner/customers",
    {
      schema: {
        summary: "The calling partner's customers, oldest first, with their usage this month",
        tags: ["Partner"],
        operationId: "listCustomers",
        response: { 200: listSchema(listedCustomerSchema) },
      },
    },
    async (request) => {
      const partner = await partnerPrincipalOf(request, partners);
      const now = Date.now();
      const customers = await partners.listCustomers(partner.operatorId);
      return wholeList(
        await Promise.all(
          customers.map(async (customer) => ({
            ...customerView(customer),
            status: customer.status,
            usage: await customerUsage(usage, billingCalendar, customer.operatorId, now),
          })),
        ),
      );
    },
  );

  routes.get(
    "/v1/partner/customers/:customerOperatorId/usage",
    {
      schema: {
        summary: "A customer's usage this month: events and AI credits",
        tags: ["Partner"],
        operationId: "getCustomerUsage",
        params: customerParams,
        response: { 200: usageSchema },
      },
    },
    async (request) => {
      const partner = await partnerPrincipalOf(request, partners);
      const customer = await customerOf(partners, partner.operatorId, request.params.customerOperatorId);
      return customerUsage(usage, billingCalendar, customer.operatorId, Date.now());
    },
  );
}
