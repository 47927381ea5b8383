import { z } from "zod";

/** Money and counts: whole, not negative, exact in a JSON number. */
const amount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const count = amount;
const retentionDays = z.number().int().min(1).max(3_650);

const overageBlocks = z.strictObject({
  blockSize: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  pricePerBlock: amount,
});

const featureName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/,
    "a feature is named like timer.cron: lowercase words joined by dots",
  );

export const planIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "a plan id is 1–64 lowercase letters, digits, '-' or '_'");

/** `PUT /v1/provider/plans/{planId}` exactly as billing.md: only name, monthlyFee and included are required. */
export const planBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  monthlyFee: amount,
  included: z.strictObject({ events: count, aiCredits: count }),
  overage: z
    .strictObject({ events: overageBlocks.optional(), aiCredits: overageBlocks.optional() })
    .optional(),
  limits: z
    .strictObject({
      apps: count.optional(),
      actionsPerApp: count.optional(),
      eventsPerMonth: count.optional(),
      historyRetentionDays: retentionDays.optional(),
      dataRetentionDays: retentionDays.optional(),
      emailsPerMonth: count.optional(),
      ingestBytesPerSecondPerDevice: z.number().int().min(1).optional(),
      ingestBytesPerSecondPerOperator: z.number().int().min(1).optional(),
    })
    .default({}),
  features: z
    .array(featureName)
    .max(100)
    .refine((features) => new Set(features).size === features.length, "a feature is named once")
    .default([]),
});

export const planParams = z.object({ planId: planIdSchema });
export const operatorParams = z.object({ operatorId: z.string().min(1).max(64) });
export const planChoiceSchema = z.strictObject({ planId: planIdSchema });

/** An operator's plan as the API answers it; the pending fields only while a change waits. */
export interface OperatorPlanView {
  planId: string;
  pendingPlanId?: string;
  pendingFrom?: string;
}
