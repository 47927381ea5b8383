import { compileTemplateOnce } from "../../expressions/compiled-expressions.ts";
import { type ActionDefinition, ActionError } from "./action.ts";
import { drawShapes, shapesSchema } from "./draw-shapes.ts";
import { loadActionMedia } from "./media.ts";
import { renderText } from "./render.ts";

/** Draws boxes and polygons on an image, stores the result in the file store and returns a signed link to it. */
export const boundingBoxAction: ActionDefinition<"bounding-box"> = {
  type: "bounding-box",
  async run(config, context) {
    const files = context.ai.files(context.operator.operatorId);
    const shapes = shapesSchema.safeParse(compileTemplateOnce(config.shapes, "json").render(context.scope));
    if (!shapes.success)
      throw new ActionError(
        "bounding_box_shapes",
        `the shapes are not a list of rectangles, detected objects or polygons: ${shapes.error.issues[0]?.message ?? "invalid"}`,
      );
    const image = await loadActionMedia(config.imageUrl, "image", context);
    let drawn: Awaited<ReturnType<typeof drawShapes>>;
    try {
      drawn = await drawShapes(image.data, shapes.data, { color: config.color, lineWidth: config.lineWidth });
    } catch (error) {
      throw new ActionError(
        "bounding_box_image",
        `the image cannot be drawn on: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const extension = drawn.contentType === "image/jpeg" ? "jpg" : "png";
    const path = config.path
      ? renderText(config.path, context.scope)
      : `/bounding-box/${context.idempotencyKey.replace(/[^A-Za-z0-9_-]/g, "-")}.${extension}`;
    // The runs this file starts are one hop on, as an output would be, so a loop through files ends.
    await files.put(path, drawn.content, drawn.contentType, { hop: context.hop + 1 });
    return { result: { imageUrl: files.signedUrl(path), path, width: drawn.width, height: drawn.height } };
  },
};
