import { z } from "zod";
import { templateField, transformSchema } from "./fields.ts";

/**
 * The configuration of each action type, shared by the server (validation, run) and the studio (forms).
 * Text fields that accept `${...}` are template fields, checked when the app is saved.
 */

const httpMethod = z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]);
const credentialsId = z.string().min(1).max(128);

export const republishConfigSchema = z.looseObject({ transform: transformSchema.optional() });

export const webhookBodySchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("none") }),
  z.object({ mode: z.literal("json"), content: templateField("json") }),
  z.object({ mode: z.literal("text"), content: templateField("text") }),
  z.object({ mode: z.literal("other"), contentType: z.string().min(1), content: templateField("text") }),
  z.object({ mode: z.literal("forward") }),
]);

export const webhookAuthSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  z.object({ type: z.literal("basic"), credentialsId }),
  z.object({ type: z.literal("bearer"), credentialsId }),
]);

export const webhookConfigSchema = z.looseObject({
  method: httpMethod.default("POST"),
  url: templateField("text"),
  headers: z.record(z.string().min(1), templateField("text")).default({}),
  body: webhookBodySchema.default({ mode: "forward" }),
  auth: webhookAuthSchema.default({ type: "none" }),
});

export const slackConfigSchema = z.looseObject({
  url: templateField("text"),
  text: templateField("text"),
});

const addressList = z.union([z.email(), z.array(z.email()).min(1).max(50)]);

export const emailConfigSchema = z.looseObject({
  to: addressList,
  cc: addressList.optional(),
  bcc: addressList.optional(),
  subject: templateField("text").refine((s) => s.length <= 998, "the subject is at most 998 characters"),
  body: templateField("text"),
});

export const codeConfigSchema = z.looseObject({
  source: z.string().min(1).max(65_536),
  timeoutMs: z.number().int().min(10).max(10_000).optional(),
});

/** Types Conflux knows from SORACOM Flux but cannot run yet: accepted on import, failing at run time. */
export const plannedActionTypes = [
  "ai",
  "line",
  "api",
  "object-detection",
  "bounding-box",
  "collect",
  "data-store",
] as const;

export const actionConfigSchemas = {
  republish: republishConfigSchema,
  webhook: webhookConfigSchema,
  slack: slackConfigSchema,
  email: emailConfigSchema,
  code: codeConfigSchema,
} as const;

export type RunnableActionType = keyof typeof actionConfigSchemas;
export type ActionType = RunnableActionType | (typeof plannedActionTypes)[number];
export type ActionConfig<T extends RunnableActionType> = z.infer<(typeof actionConfigSchemas)[T]>;

export function isRunnableActionType(type: string): type is RunnableActionType {
  return Object.hasOwn(actionConfigSchemas, type);
}
