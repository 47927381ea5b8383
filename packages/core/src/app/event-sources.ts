import { Cron } from "croner";
import { z } from "zod";

const jsonPayload = z.unknown().optional();

/** SORACOM Flux's shortest interval timer. */
export const minIntervalMinutes = 1;

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const deviceSource = z.object({
  type: z.literal("device"),
  enabled: z.boolean().default(true),
  config: z.looseObject({ groupId: z.string().optional() }).default({}),
});

const apiSource = z.object({
  type: z.literal("api"),
  enabled: z.boolean().default(true),
  config: z.looseObject({}).default({}),
});

const intervalTimerSource = z.object({
  type: z.literal("interval-timer"),
  enabled: z.boolean().default(true),
  config: z.looseObject({
    intervalMinutes: z
      .number()
      .int()
      .min(minIntervalMinutes, `the interval is at least ${minIntervalMinutes} minute`)
      .max(60 * 24 * 31),
    payload: jsonPayload,
  }),
});

const scheduledTimerSource = z.object({
  type: z.literal("scheduled-timer"),
  enabled: z.boolean().default(true),
  config: z
    .looseObject({
      cron: z.string().min(1),
      timezone: z.string().default("UTC").refine(isTimeZone, "unknown time zone"),
      payload: jsonPayload,
    })
    .superRefine((config, ctx) => {
      if (config.cron.trim().split(/\s+/).length !== 5) {
        ctx.addIssue({ code: "custom", path: ["cron"], message: "a cron expression has 5 fields" });
        return;
      }
      try {
        new Cron(config.cron, { paused: true, timezone: config.timezone });
      } catch (error) {
        ctx.addIssue({ code: "custom", path: ["cron"], message: (error as Error).message });
      }
    }),
});

const fileSource = z.object({
  type: z.literal("file"),
  enabled: z.boolean().default(true),
  config: z.looseObject({
    pathPrefix: z.string().startsWith("/").default("/"),
    eventTypes: z.array(z.enum(["created", "updated", "deleted"])).default(["created", "updated", "deleted"]),
  }),
});

export const eventSourceSchema = z.discriminatedUnion("type", [
  deviceSource,
  apiSource,
  intervalTimerSource,
  scheduledTimerSource,
  fileSource,
]);
export type EventSource = z.infer<typeof eventSourceSchema>;
export type EventSourceType = EventSource["type"];
