import { z } from "zod";
import { dataStoreConfigSchema, deviceCommandConfigSchema } from "./device-action-configs.ts";
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
  /**
   * A 3xx answer counts as success only when this is true. Redirects are never followed (the
   * guarded client would have to check the new address), so by default a moved endpoint fails the
   * step with webhook_redirect instead of failing silently.
   */
  acceptRedirects: z.boolean().optional(),
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

export const objectDetectionConfigSchema = z.looseObject({
  imageUrl: templateField("text"),
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
});

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

/** Types Conflux knows from SORACOM Flux but cannot run yet: accepted on import, failing at run time. */
export const plannedActionTypes = ["line", "api", "collect"] as const;

export const actionConfigSchemas = {
  republish: republishConfigSchema,
  webhook: webhookConfigSchema,
  slack: slackConfigSchema,
  email: emailConfigSchema,
  code: codeConfigSchema,
  ai: aiConfigSchema,
  "object-detection": objectDetectionConfigSchema,
  "bounding-box": boundingBoxConfigSchema,
  "data-store": dataStoreConfigSchema,
  "device-command": deviceCommandConfigSchema,
} as const;

export type RunnableActionType = keyof typeof actionConfigSchemas;
export type ActionType = RunnableActionType | (typeof plannedActionTypes)[number];
export type ActionConfig<T extends RunnableActionType> = z.infer<(typeof actionConfigSchemas)[T]>;

export function isRunnableActionType(type: string): type is RunnableActionType {
  return Object.hasOwn(actionConfigSchemas, type);
}
