import { detectionImageUrl, type JsonValue } from "@conflux/core";
import sharp from "sharp";
import { type ActionDefinition, ActionError } from "./action.ts";
import { loadActionMedia } from "./media.ts";

/**
 * Finds COCO objects in an image with a vision model held to a strict JSON schema. No npm package
 * ships the weights of a COCO detector, and nothing may download one at run time, so a local
 * detector (onnxruntime-node) is not an option here; docs/ai.md says more. The model answers boxes
 * as fractions of the image; they are turned into pixels here, so the result matches a detector's.
 */
export const objectDetectionAction: ActionDefinition<"object-detection"> = {
  type: "object-detection",
  async run(config, context) {
    const image = await loadActionMedia(detectionImageUrl(config), "image", context);
    let size: { width: number; height: number };
    try {
      const metadata = await sharp(image.data).metadata();
      if (!metadata.width || !metadata.height) throw new Error("no size");
      size = { width: metadata.width, height: metadata.height };
    } catch {
      throw new ActionError("ai_media_type", "the image cannot be read (not a JPEG, PNG, WebP or GIF?)");
    }
    const answer = await context.ai.askModel(
      {
        operatorId: context.operator.operatorId,
        models: [config.model],
        credentialsId: config.credentialsId,
        system:
          "You are an object detector for the COCO classes. Report every visible object of the requested " +
          "classes with a confidence score from 0 to 1 and a tight bounding box given as fractions of the " +
          "image width and height (x and y are the top-left corner). Report nothing else.",
        user: `Classes to detect: ${config.classes.join(", ")}.`,
        media: [{ kind: "image", ...image }],
        temperature: 0,
        json: { schema: detectionSchema(config.classes) },
      },
      context.openCredential,
    );
    const result = toDetectionResult(answer.output, config.classes, config.minScore, size);
    return { result, usage: { ...answer.usage, model: answer.model } };
  },
};

function detectionSchema(classes: readonly string[]): Record<string, unknown> {
  const fraction = { type: "number", minimum: 0, maximum: 1 };
  return {
    type: "object",
    properties: {
      objects: {
        type: "array",
        items: {
          type: "object",
          properties: {
            class: { type: "string", enum: [...classes] },
            score: fraction,
            box: {
              type: "object",
              properties: { x: fraction, y: fraction, width: fraction, height: fraction },
              required: ["x", "y", "width", "height"],
              additionalProperties: false,
            },
          },
          required: ["class", "score", "box"],
          additionalProperties: false,
        },
      },
    },
    required: ["objects"],
    additionalProperties: false,
  };
}

interface Detected {
  class: string;
  score: number;
  box: { x: number; y: number; width: number; height: number };
}

/** `{"person": 1, …, "objects": [{class, score, box}]}` with boxes in pixels, best first. */
function toDetectionResult(
  output: JsonValue,
  classes: readonly string[],
  minScore: number,
  size: { width: number; height: number },
): JsonValue {
  // The schema check in askModel has made sure of the shape.
  const found = (output as unknown as { objects: Detected[] }).objects
    .filter((object) => object.score >= minScore)
    .sort((a, b) => b.score - a.score);
  const counts: Record<string, number> = Object.fromEntries(classes.map((name) => [name, 0]));
  const objects = found.map((object) => {
    counts[object.class] = (counts[object.class] ?? 0) + 1;
    const x = Math.round(object.box.x * size.width);
    const y = Math.round(object.box.y * size.height);
    return {
      class: object.class,
      score: Math.round(object.score * 1000) / 1000,
      box: {
        x,
        y,
        width: Math.min(Math.round(object.box.width * size.width), size.width - x),
        height: Math.min(Math.round(object.box.height * size.height), size.height - y),
      },
    };
  });
  return { ...counts, objects };
}
