import { randomInt } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { listSchema, wholeList } from "../api/list-envelope.ts";
import { UserError } from "../errors.ts";
import { billingMonth } from "../runtime/billing-month.ts";
import type { ProviderStore } from "../store/provider.ts";
import type { Coupon, CouponStore } from "./coupon-store.ts";

export interface CouponDeps {
  coupons: CouponStore;
  provider: ProviderStore;
  /** The operator's "now": its test clock's time when it has one. */
  operatorClock(operatorId: string): Promise<number>;
}

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM");
const couponCode = z
  .string()
  .regex(/^[A-Za-z0-9-]{4,64}$/, "4–64 letters, digits or hyphens")
  .transform((code) => code.toUpperCase());

// Without 0/O and 1/I, so a code read out or typed is not mistaken.
const codeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

function newCouponCode(): string {
  return `CP-${Array.from({ length: 12 }, () => codeAlphabet[randomInt(codeAlphabet.length)]).join("")}`;
}

/** As operators see a coupon (billing.md): no one else's ids or times. */
function couponView(coupon: Coupon) {
  return {
    couponCode: coupon.couponCode,
    amount: coupon.amount,
    balance: coupon.balance,
    expiryMonth: coupon.expiryMonth,
  };
}

/** As the provider sees a coupon: who registered it and when, once someone has. */
const providerCouponView = z.object({
  couponCode: z.string(),
  amount: z.number(),
  balance: z.number(),
  expiryMonth: z.string(),
  operatorId: z.string().optional(),
  registeredDateTime: z.number().int().optional(),
  createDateTime: z.number().int(),
});

/** The provider issues coupons and sees every one with its holder. */
export async function providerCouponRoutes(api: FastifyInstance, { coupons }: CouponDeps) {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  routes.post(
    "/v1/provider/coupons",
    {
      schema: {
        summary: "Issue a coupon: a prepaid amount an operator registers by its code [17.2]",
        tags: ["Provider"],
        operationId: "createProviderCoupon",
        body: z.object({
          amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
          expiryMonth: month,
          code: couponCode.optional(),
        }),
      },
    },
    async (request, reply) => {
      const { amount, expiryMonth, code } = request.body;
      for (let attempt = 0; attempt < 5; attempt++) {
        const couponCode = code ?? newCouponCode();
        if (await coupons.issue({ couponCode, amount, expiryMonth }))
          return reply.status(201).send({ couponCode, amount, balance: amount, expiryMonth });
        if (code) throw new UserError("conflict", `a coupon with the code ${code} exists already`);
      }
      throw new Error("no free coupon code after 5 tries");
    },
  );
  routes.get(
    "/v1/provider/coupons",
    {
      schema: {
        summary: "Every coupon, with its holder and balance",
        tags: ["Provider"],
        operationId: "listProviderCoupons",
        response: { 200: listSchema(providerCouponView) },
      },
    },
    async () =>
      wholeList(
        (await coupons.all()).map((coupon) => ({
          ...couponView(coupon),
          ...(coupon.operatorId ? { operatorId: coupon.operatorId } : {}),
          ...(coupon.registeredAt ? { registeredDateTime: Math.floor(coupon.registeredAt / 1000) } : {}),
          createDateTime: Math.floor(coupon.createdAt / 1000),
        })),
      ),
  );
}

/** An operator registers coupons (root only: `Coupon:*`) and reads their balances. */
export async function couponRoutes(api: FastifyInstance, { coupons, provider, operatorClock }: CouponDeps) {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  routes.post(
    "/v1/coupons",
    {
      schema: {
        summary:
          "Register a coupon to this operator by its code; it pays closed invoices before any other means",
        tags: ["Coupon"],
        operationId: "registerCoupon",
        body: z.object({ couponCode }),
      },
    },
    async (request, reply) => {
      const { operatorId } = operatorOf(request);
      const { couponCode } = request.body;
      const now = await operatorClock(operatorId);
      const current = billingMonth(now, (await provider.settings()).billingTimeZone);
      const outcome = await coupons.register(couponCode, operatorId, current, now);
      if (outcome === "unknown") throw new UserError("not_found", `no coupon has the code ${couponCode}`);
      if (outcome === "taken")
        throw new UserError("conflict", `the coupon ${couponCode} is registered already`);
      if (outcome === "expired")
        throw new UserError("bad_request", `the coupon ${couponCode} expired at the end of an earlier month`);
      return reply.status(201).send(couponView(outcome));
    },
  );
  routes.get(
    "/v1/coupons",
    {
      schema: {
        summary: "This operator's coupons with their balances",
        tags: ["Coupon"],
        operationId: "listCoupons",
      },
    },
    async (request) => (await coupons.ofOperator(operatorOf(request).operatorId)).map(couponView),
  );
}
