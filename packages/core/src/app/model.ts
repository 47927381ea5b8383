import { z } from "zod";
import { actionConfigSchemas, plannedActionTypes, type RunnableActionType } from "./action-configs.ts";
import { eventSourceSchema } from "./event-sources.ts";
import { conditionField, tagsSchema, transformSchema } from "./fields.ts";

/** Field names follow SORACOM Flux's export so a Flux app imports unchanged (see shared/spec/apps.md). */

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "ids use letters, digits, '-' and '_'");

export const maxOutputDelaySeconds = 900;

export const outputSchema = z.object({
  enabled: z.boolean().default(false),
  channelId: id.optional(),
  splitArray: z.boolean().default(false),
  transform: transformSchema.optional(),
  delaySeconds: z.number().int().min(0).max(maxOutputDelaySeconds).default(0),
});
export type ActionOutput = z.infer<typeof outputSchema>;

export const errorOutputSchema = z.object({
  enabled: z.boolean().default(false),
  channelId: id.optional(),
  transform: transformSchema.optional(),
});
export type ActionErrorOutput = z.infer<typeof errorOutputSchema>;

const actionCommon = {
  actionId: id,
  channelId: id,
  name: z.string().max(256).default(""),
  description: z.string().max(4_096).default(""),
  enabled: z.boolean().default(true),
  condition: conditionField.default(""),
  output: outputSchema.default({ enabled: false, splitArray: false, delaySeconds: 0 }),
  errorOutput: errorOutputSchema.default({ enabled: false }),
  tags: tagsSchema,
};

/**
 * A config checked against its type's schema but saved as it came: its defaults are filled in when
 * the action runs (`parseActionConfig`), so an app exports the config keys it was imported with.
 */
function keptAsGiven<S extends z.ZodType>(schema: S) {
  return z
    .custom<z.input<S>>((value) => typeof value === "object" && value !== null && !Array.isArray(value), {
      message: "a config is an object",
      abort: true,
    })
    .superRefine((value, ctx) => {
      const parsed = schema.safeParse(value);
      if (parsed.success) return;
      for (const issue of parsed.error.issues)
        ctx.addIssue({
          code: "custom",
          path: issue.path,
          message: issue.message,
          params: (issue as { params?: Record<string, unknown> }).params,
        });
    });
}

function runnableAction<T extends RunnableActionType>(type: T) {
  return z.object({ ...actionCommon, type: z.literal(type), config: keptAsGiven(actionConfigSchemas[type]) });
}

const plannedAction = z.object({
  ...actionCommon,
  type: z.enum(plannedActionTypes),
  config: z.looseObject({}).default({}),
});

export const actionSchema = z.discriminatedUnion("type", [
  runnableAction("republish"),
  runnableAction("webhook"),
  runnableAction("slack"),
  runnableAction("slack-notification"),
  runnableAction("email"),
  runnableAction("email-notification"),
  runnableAction("code"),
  runnableAction("ai"),
  runnableAction("object-detection"),
  runnableAction("bounding-box"),
  runnableAction("data-store"),
  runnableAction("device-command"),
  runnableAction("line-notification"),
  runnableAction("collect"),
  runnableAction("file-write"),
  runnableAction("api"),
  runnableAction("soracom-api"),
  plannedAction,
]);
export type Action = z.infer<typeof actionSchema>;

export const channelSchema = z.object({
  channelId: id,
  name: z.string().max(256).default(""),
  description: z.string().max(4_096).default(""),
  tags: tagsSchema,
  eventSource: eventSourceSchema.optional(),
});
export type Channel = z.infer<typeof channelSchema>;

/** An app as a person writes or imports it: ids may be left out and are assigned on save. */
export const appDefinitionSchema = z.object({
  name: z.string().min(1, "an app needs a name").max(256),
  description: z.string().max(4_096).default(""),
  tags: tagsSchema,
  channels: z.array(channelSchema).max(100).default([]),
  actions: z.array(actionSchema).max(100).default([]),
});
export type AppDefinition = z.infer<typeof appDefinitionSchema>;

export interface App extends AppDefinition {
  appId: string;
  /** The saved version (1, 2, 3…), set on every app the server returns; absent in an app not yet saved. */
  version?: number;
  createdAt: number;
  updatedAt: number;
}
