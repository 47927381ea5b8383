import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { UserError, type UserErrorCode } from "../errors.ts";
import type { CardPaymentOutcome, CardPayments } from "./card-payments.ts";
import { monthSchema } from "./invoice-routes.ts";
import { PaymentProcessorUnavailable } from "./payment-processor.ts";

export interface PaymentDeps {
  cardPayments: CardPayments;
}

/** A reference the card processor issued (such as `pm_…`); starting with a letter keeps card numbers out. */
const paymentMethodBody = z.object({
  paymentMethodId: z
    .string()
    .regex(
      /^[A-Za-z][A-Za-z0-9_-]{2,127}$/,
      "a payment method id issued by the card processor (such as pm_…), never a card number",
    ),
});

const refusalCodes: Record<Extract<CardPaymentOutcome, { refused: string }>["refused"], UserErrorCode> = {
  no_invoice: "not_found",
  bad_request: "bad_request",
  nothing_due: "conflict",
  no_payment_method: "precondition_failed",
  off: "payment_processor_unavailable",
};

/** The operator's card (a reference only) and paying a closed invoice with it; root only (accounts.md). */
export async function paymentRoutes(api: FastifyInstance, { cardPayments }: PaymentDeps) {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  routes.get(
    "/v1/payment_methods",
    {
      schema: {
        summary: "The card processor's reference of the card invoices are paid by",
        tags: ["Payment"],
        operationId: "getPaymentMethod",
      },
    },
    async (request) => {
      const paymentMethodId = await cardPayments.paymentMethodOf(operatorOf(request).operatorId);
      if (!paymentMethodId) throw new UserError("not_found", "no card on file");
      return { paymentMethodId };
    },
  );
  routes.put(
    "/v1/payment_methods",
    {
      schema: {
        summary: "Pay invoices by this card, given by the reference id the card processor issued",
        tags: ["Payment"],
        operationId: "setPaymentMethod",
        body: paymentMethodBody,
      },
    },
    async (request) => {
      const { paymentMethodId } = request.body;
      await cardPayments.setPaymentMethod(operatorOf(request).operatorId, paymentMethodId, Date.now());
      return { paymentMethodId };
    },
  );
  routes.delete(
    "/v1/payment_methods",
    {
      schema: { summary: "Forget the card on file", tags: ["Payment"], operationId: "deletePaymentMethod" },
    },
    async (request, reply) => {
      if (!(await cardPayments.removePaymentMethod(operatorOf(request).operatorId)))
        throw new UserError("not_found", "no card on file");
      return reply.status(204).send();
    },
  );
  routes.post(
    "/v1/invoices/:month/pay",
    {
      schema: {
        summary: "Pay what is still due on a closed invoice with the card on file",
        tags: ["Payment"],
        operationId: "payInvoice",
        params: z.object({ month: monthSchema }),
      },
    },
    async (request, reply) => {
      let outcome: CardPaymentOutcome;
      try {
        outcome = await cardPayments.payInvoice(operatorOf(request).operatorId, request.params.month);
      } catch (error) {
        if (error instanceof PaymentProcessorUnavailable)
          throw new UserError(
            "payment_processor_unavailable",
            `${error.message}; nothing was recorded, try again`,
          );
        throw error;
      }
      if ("declined" in outcome)
        throw new UserError(
          "payment_declined",
          `the card processor declined the payment: ${outcome.declined}`,
        );
      if ("refused" in outcome) throw new UserError(refusalCodes[outcome.refused], outcome.message);
      return reply.status(201).send({ ...outcome.paid, chargeId: outcome.chargeId });
    },
  );
}
