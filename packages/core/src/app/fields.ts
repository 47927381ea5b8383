import { z } from "zod";
import { checkCondition, checkTemplate, type TemplateMode } from "../expression/index.ts";

/** A condition field: one expression, empty means "always". Syntax is checked when the app is saved. */
export const conditionField = z
  .string()
  .max(16_384)
  .superRefine((source, ctx) => {
    const error = checkCondition(source);
    if (error) ctx.addIssue({ code: "custom", message: error.message, params: { column: error.column } });
  });

/** A text field that may hold `${...}` parts. */
export function templateField(mode: TemplateMode = "text") {
  return z.string().superRefine((source, ctx) => {
    const error = checkTemplate(source, mode);
    if (error) ctx.addIssue({ code: "custom", message: error.message, params: { column: error.column } });
  });
}

export const contentTypeJson = "application/json";

/** `{contentType, content}`: JSON content is rendered in JSON mode, anything else as text. */
export const transformSchema = z
  .object({
    contentType: z.string().default(contentTypeJson),
    content: z.string().max(65_536),
  })
  .superRefine((transform, ctx) => {
    const mode: TemplateMode = transform.contentType === contentTypeJson ? "json" : "text";
    const error = checkTemplate(transform.content, mode);
    if (error)
      ctx.addIssue({
        code: "custom",
        path: ["content"],
        message: error.message,
        params: { column: error.column },
      });
  });
export type Transform = z.infer<typeof transformSchema>;

export const tagsSchema = z.record(z.string(), z.string()).default({});

/**
 * Config fields whose value is a secret (a Slack incoming-webhook URL is its own password): export
 * leaves them out unless asked (`portable.ts`).
 */
export const secretFields = z.registry<{ secret: true }>();

export function secretField<T extends z.ZodType>(schema: T): T {
  secretFields.add(schema, { secret: true });
  return schema;
}
