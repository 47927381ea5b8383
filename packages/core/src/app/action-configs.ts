import { z } from "zod";
import { apiCallConfigSchema } from "./api-action-config.ts";
import { dataStoreConfigSchema, deviceCommandConfigSchema } from "./device-action-configs.ts";
import { secretField, templateField, transformSchema } from "./fields.ts";

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

/** The OAuth scope a Google access token is asked for when the action names none. */
export const defaultGoogleScope = "https://www.googleapis.com/auth/cloud-platform";

export const webhookAuthSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  z.object({ type: z.literal("basic"), credentialsId }),
  z.object({ type: z.literal("bearer"), credentialsId }),
  /** AWS Signature Version 4 with `aws` credentials (keys, region and service). */
  z.object({ type: z.literal("aws-sigv4"), credentialsId }),
  /** A Google access token for a service account's JSON key (`google-service-account-json` credentials). */
  z.object({
    type: z.literal("google-service-account"),
    credentialsId,
    scopes: z.array(z.string().min(1).max(512)).min(1).max(20).default([defaultGoogleScope]),
  }),
]);

/** SORACOM Flux's webhook limits, kept: the wait for an answer, and how much of it the result keeps. */
export const webhookTimeoutMs = 10_000;
export const maxWebhookResponseBytes = 8_192;

export const webhookConfigSchema = z.looseObject({
  method: httpMethod.default("POST"),
  url: templateField("text"),
  headers: z.record(z.string().min(1), templateField("text")).default({}),
  body: webhookBodySchema.default({ mode: "forward" }),
  auth: webhookAuthSchema.default({ type: "none" }),
  /**
   * A 3xx answer counts as success only when this is true. Redirects are never followed (the
   * guarded client would have to check the new address), so by default a moved endpoint fails the
   * step with webhook_redirect instead of failing silently.
   */
  acceptRedirects: z.boolean().optional(),
});

export const slackConfigSchema = z.looseObject({
  url: secretField(templateField("text")),
  text: templateField("text"),
});

/**
 * SORACOM Flux's Slack action as its export has it: `payload` is the message Slack receives, `text`
 * templated; other keys of it (`blocks`, `username`…) go to Slack as they are.
 */
export const slackNotificationConfigSchema = z.looseObject({
  url: secretField(templateField("text")),
  payload: z.looseObject({ text: templateField("text") }),
});

/** A push message through the LINE Messaging API; the channel access token is an `api-token` credential. */
export const lineNotificationConfigSchema = z.looseObject({
  credentialsId,
  /** A user, group or room id (`U…`, `C…`, `R…`). */
  to: templateField("text"),
  text: templateField("text"),
});

/** Gathers the messages that reach it and sends them on together, by count or after a time window. */
export const collectConfigSchema = z.looseObject({
  /** The batch is sent as soon as it holds this many messages. */
  count: z.number().int().min(1).max(1_000).default(10),
  /** …or this long after its first message, whichever comes first. */
  windowSeconds: z
    .number()
    .int()
    .min(1)
    .max(24 * 3_600)
    .default(60),
});

/** Writes a file in the operator's file store, which starts the `file` event sources listening there. */
export const fileWriteConfigSchema = z.looseObject({
  /** Where, e.g. `/reports/${payload.deviceId}.json`. */
  path: templateField("text"),
  /** What: a rendered template; absent, the input as JSON. */
  content: transformSchema.optional(),
  /** Or the bytes of an image: an http(s) URL or a file-store path. Wins over `content`. */
  imageUrl: templateField("text").optional(),
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

export const maxAiPromptChars = 4_096;

/** A JSON Schema an AI answer must match; checked against the answer at run time. */
const answerSchema = z
  .record(z.string(), z.unknown())
  .refine(
    (schema) => JSON.stringify(schema).length <= 65_536,
    "the JSON schema is at most 65,536 characters",
  );

/** `<provider>/<model id>`, e.g. `openai/gpt-4.1-mini`; the server's catalogue lists those it offers. */
export const aiModel = z.string().regex(/^[a-z-]+\/\S{1,200}$/, "a model is named <provider>/<model id>");

export const aiConfigSchema = z.looseObject({
  model: aiModel,
  /** Tried in order when the model's provider is down or overloaded. */
  fallbackModels: z.array(aiModel).max(3).default([]),
  /** Bring-your-own key (credentials of type `ai-provider-key`); absent: the service's key, billed in credits. */
  credentialsId: credentialsId.optional(),
  prompt: templateField("text").refine(
    (s) => s.length <= maxAiPromptChars,
    `the prompt is at most ${maxAiPromptChars} characters`,
  ),
  systemPrompt: templateField("text")
    .refine((s) => s.length <= 16_384, "the system prompt is at most 16,384 characters")
    .default(""),
  /** JSON content (e.g. `${payload}`) handed to the model as a fenced data block, never as instructions. */
  data: templateField("json").optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().min(1).max(65_536).optional(),
  /** An http(s) URL or a file-store path (`/cam1/a.jpg`). */
  imageUrl: templateField("text").optional(),
  videoUrl: templateField("text").optional(),
  jsonOutput: z.boolean().default(false),
  jsonSchema: answerSchema.optional(),
});

/** The 80 COCO object classes, the labels object-detection knows. */
export const cocoClasses = [
  "person",
  "bicycle",
  "car",
  "motorcycle",
  "airplane",
  "bus",
  "train",
  "truck",
  "boat",
  "traffic light",
  "fire hydrant",
  "stop sign",
  "parking meter",
  "bench",
  "bird",
  "cat",
  "dog",
  "horse",
  "sheep",
  "cow",
  "elephant",
  "bear",
  "zebra",
  "giraffe",
  "backpack",
  "umbrella",
  "handbag",
  "tie",
  "suitcase",
  "frisbee",
  "skis",
  "snowboard",
  "sports ball",
  "kite",
  "baseball bat",
  "baseball glove",
  "skateboard",
  "surfboard",
  "tennis racket",
  "bottle",
  "wine glass",
  "cup",
  "fork",
  "knife",
  "spoon",
  "bowl",
  "banana",
  "apple",
  "sandwich",
  "orange",
  "broccoli",
  "carrot",
  "hot dog",
  "pizza",
  "donut",
  "cake",
  "chair",
  "couch",
  "potted plant",
  "bed",
  "dining table",
  "toilet",
  "tv",
  "laptop",
  "mouse",
  "remote",
  "keyboard",
  "cell phone",
  "microwave",
  "oven",
  "toaster",
  "sink",
  "refrigerator",
  "book",
  "clock",
  "vase",
  "scissors",
  "teddy bear",
  "hair drier",
  "toothbrush",
] as const;

/** The classes object-detection counts when none are configured (the counts SORACOM Flux returns). */
export const defaultDetectionClasses: readonly (typeof cocoClasses)[number][] = [
  "person",
  "car",
  "bus",
  "truck",
  "cat",
  "dog",
];

/**
 * The image is `imageUrl` (ours) or `payload.imageUrl` (SORACOM Flux's export); an app keeps the one
 * it came with, so it exports the same.
 */
export const objectDetectionConfigSchema = z
  .looseObject({
    imageUrl: templateField("text").optional(),
    payload: z.looseObject({ imageUrl: templateField("text") }).optional(),
    /** COCO labels to count; objects of other classes are not reported. */
    classes: z
      .array(z.enum(cocoClasses, { error: (issue) => `'${String(issue.input)}' is not a COCO class` }))
      .min(1)
      .max(80)
      .default(() => [...defaultDetectionClasses]),
    minScore: z.number().min(0).max(1).default(0.5),
    /** A vision model that finds the boxes (see docs/ai.md). */
    model: aiModel.default("openai/gpt-4.1-mini"),
    credentialsId: credentialsId.optional(),
  })
  .refine((config) => (config.imageUrl === undefined) !== (config.payload === undefined), {
    message: "give the image as imageUrl or as payload.imageUrl (one of them)",
    path: ["imageUrl"],
  });

/** The image an object-detection or its Flux-shaped config names. */
export function detectionImageUrl(config: z.infer<typeof objectDetectionConfigSchema>): string {
  return config.payload?.imageUrl ?? config.imageUrl ?? "";
}

export const boundingBoxConfigSchema = z.looseObject({
  imageUrl: templateField("text"),
  /**
   * JSON content giving the shapes, in pixels: `{"x","y","width","height"}` rectangles (an
   * object-detection result's `objects` work as they are), or `{"points": [[x, y], …]}` polygons;
   * each may have `label` and `color`.
   */
  shapes: templateField("json"),
  /** Where the drawn image is stored in the file store; default `/bounding-box/<run>.jpg`. */
  path: templateField("text").optional(),
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "a color is #rrggbb")
    .default("#ff0000"),
  lineWidth: z.number().int().min(1).max(50).default(3),
});

/**
 * Types Conflux knows from SORACOM Flux but cannot run yet: import keeps them, turned off, and an
 * action of one that is turned on fails at run time. A type moves from here to `actionConfigSchemas`
 * when it is built.
 */
export const plannedActionTypes = ["line"] as const;

export const actionConfigSchemas = {
  republish: republishConfigSchema,
  webhook: webhookConfigSchema,
  slack: slackConfigSchema,
  "slack-notification": slackNotificationConfigSchema,
  email: emailConfigSchema,
  /** A guess at SORACOM Flux's name, not seen in an export yet: the `email` action's config. */
  "email-notification": emailConfigSchema,
  code: codeConfigSchema,
  ai: aiConfigSchema,
  "object-detection": objectDetectionConfigSchema,
  "bounding-box": boundingBoxConfigSchema,
  "data-store": dataStoreConfigSchema,
  "device-command": deviceCommandConfigSchema,
  "line-notification": lineNotificationConfigSchema,
  collect: collectConfigSchema,
  "file-write": fileWriteConfigSchema,
  api: apiCallConfigSchema,
  /** A guess at SORACOM Flux's name, not seen in an export yet: the `api` action's config. */
  "soracom-api": apiCallConfigSchema,
} as const;

/**
 * The SORACOM Flux action type names Conflux takes under Flux's own name: seen in a real export, or
 * guessed until an export shows them (docs/flux-compatibility.md lists them all).
 */
export const fluxActionTypeNames = {
  republish: "seen",
  "object-detection": "seen",
  "slack-notification": "seen",
  "email-notification": "guessed",
  "line-notification": "guessed",
  "soracom-api": "guessed",
} as const satisfies Partial<Record<ActionType, "seen" | "guessed">>;

export type RunnableActionType = keyof typeof actionConfigSchemas;
export type ActionType = RunnableActionType | (typeof plannedActionTypes)[number];
export type ActionConfig<T extends RunnableActionType> = z.infer<(typeof actionConfigSchemas)[T]>;

/** A saved config, as its action runs it: checked again and its defaults filled in. */
export function parseActionConfig<T extends RunnableActionType>(type: T, config: unknown): ActionConfig<T> {
  return actionConfigSchemas[type].parse(config) as ActionConfig<T>;
}

export function isRunnableActionType(type: string): type is RunnableActionType {
  return Object.hasOwn(actionConfigSchemas, type);
}
