import { z } from "zod";
import type { Env } from "../config/environment.ts";
import { definedEntries } from "../config/environment.ts";
import { type OutboundClient, OutboundError } from "../outbound/guarded-client.ts";

/**
 * The payment-provider seam (issue 14): charging an operator's stored card for an invoice. The
 * processor keeps the card; we keep only the reference id it issued (a payment method id).
 */
export interface ChargeRequest {
  operatorId: string;
  month: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  paymentMethodId: string;
  /** The same key for the same charge: the processor answers a retry with the first charge. */
  idempotencyKey: string;
}

/**
 * The day a charge is paid on is not the processor's to say: it is the operator's today, which a
 * test clock may set (billing.md), so the caller decides it.
 */
export type ChargeOutcome =
  | { status: "succeeded"; chargeId: string }
  | { status: "declined"; reason: string };

export interface PaymentProcessor {
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
}

/** The processor could not be asked, or refused us (not the card): worth another try later. */
export class PaymentProcessorUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PaymentProcessorUnavailable";
  }
}

/** The `billing` section of the configuration: card payments are off until both are set. */
export const billingConfigSchema = z.object({
  payments: z
    .object({
      /** Base URL of a processor speaking a Stripe-like `POST /v1/charges`. */
      url: z.url({ protocol: /^https?$/ }).optional(),
      secretKey: z.string().min(1).optional(),
    })
    .default({}),
});
export type BillingConfig = z.infer<typeof billingConfigSchema>;

/** `CONFLUX_PAYMENTS_URL`, `CONFLUX_PAYMENTS_SECRET_KEY`; undefined when neither is set. */
export function billingConfigFromEnvironment(env: Env): z.input<typeof billingConfigSchema> | undefined {
  const payments = definedEntries({
    url: env.CONFLUX_PAYMENTS_URL,
    secretKey: env.CONFLUX_PAYMENTS_SECRET_KEY,
  });
  return payments ? { payments } : undefined;
}

const chargeAnswer = z.object({ id: z.string().min(1), status: z.literal("succeeded") });
const errorAnswer = z.object({
  error: z.object({ message: z.string().optional(), code: z.string().optional() }),
});

/**
 * A processor speaking a Stripe-like HTTP API: `POST {url}/v1/charges`, form-encoded, with the
 * secret key as a bearer token and an `Idempotency-Key`. Undefined when not configured. The key
 * goes in a header only; nothing here logs headers, and errors name no secret.
 */
export function httpPaymentProcessor(
  config: BillingConfig["payments"],
  outbound: OutboundClient,
): PaymentProcessor | undefined {
  const { url, secretKey } = config;
  if (!url || !secretKey) return undefined;
  const endpoint = `${url.replace(/\/+$/, "")}/v1/charges`;
  return {
    async charge(request) {
      const body = new URLSearchParams({
        amount: String(request.amount),
        currency: request.currency.toLowerCase(),
        payment_method: request.paymentMethodId,
        description: `Conflux invoice ${request.month}`,
        "metadata[operator_id]": request.operatorId,
        "metadata[month]": request.month,
      }).toString();
      let response: Awaited<ReturnType<OutboundClient["send"]>>;
      try {
        response = await outbound.send({
          method: "POST",
          url: endpoint,
          headers: {
            authorization: `Bearer ${secretKey}`,
            "idempotency-key": request.idempotencyKey,
            "content-type": "application/x-www-form-urlencoded",
          },
          body,
        });
      } catch (error) {
        if (error instanceof OutboundError)
          throw new PaymentProcessorUnavailable(`the card processor did not answer: ${error.message}`);
        throw error;
      }
      const answer = parseJson(response.body);
      if (response.status === 200) {
        const charge = chargeAnswer.safeParse(answer);
        if (charge.success) return { status: "succeeded", chargeId: charge.data.id };
      }
      const refusal = errorAnswer.safeParse(answer);
      if (response.status === 402)
        return {
          status: "declined",
          reason: (refusal.success && refusal.data.error.message) || "the card was declined",
        };
      throw new PaymentProcessorUnavailable(
        `the card processor answered ${response.status}${refusal.success && refusal.data.error.code ? ` (${refusal.data.error.code})` : ""}`,
      );
    },
  };
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}
