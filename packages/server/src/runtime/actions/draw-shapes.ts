import sharp from "sharp";
import { z } from "zod";

/**
 * Draws rectangles and polygons on an image as an SVG overlay composited by sharp (libvips), so no
 * pixel loop runs in JavaScript. Coordinates are pixels of the source image.
 */

const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, "a color is #rrggbb");
const label = z.string().max(200);
const coordinate = z.number().finite();

const rectangle = z.object({
  x: coordinate,
  y: coordinate,
  width: z.number().finite().min(0),
  height: z.number().finite().min(0),
  label: label.optional(),
  color: color.optional(),
});

/** An object-detection result's object: `{class, score, box}`, labelled with its class and score. */
const detectedObject = z.object({
  class: label,
  score: z.number().min(0).max(1).optional(),
  box: rectangle.pick({ x: true, y: true, width: true, height: true }),
  color: color.optional(),
});

const polygon = z.object({
  points: z
    .array(z.tuple([coordinate, coordinate]))
    .min(3)
    .max(1_000),
  label: label.optional(),
  color: color.optional(),
});

export const shapesSchema = z.array(z.union([polygon, detectedObject, rectangle])).max(1_000);
export type Shapes = z.infer<typeof shapesSchema>;

export interface DrawOptions {
  color: string;
  lineWidth: number;
}

export interface DrawnImage {
  content: Buffer;
  contentType: string;
  width: number;
  height: number;
}

export async function drawShapes(
  image: Uint8Array,
  shapes: Shapes,
  options: DrawOptions,
): Promise<DrawnImage> {
  const source = sharp(image, { limitInputPixels: 100_000_000 });
  const { width, height, format } = await source.metadata();
  if (!width || !height) throw new Error("the image has no size");
  const overlay = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes
      .map((shape) => shapeSvg(shape, options))
      .join("")}</svg>`,
  );
  const drawn = source.composite([{ input: overlay, top: 0, left: 0 }]);
  // JPEG stays JPEG (camera pictures); everything else becomes PNG, which keeps thin lines sharp.
  const jpeg = format === "jpeg";
  const content = await (jpeg ? drawn.jpeg({ quality: 90 }) : drawn.png()).toBuffer();
  return { content, contentType: jpeg ? "image/jpeg" : "image/png", width, height };
}

function shapeSvg(shape: Shapes[number], options: DrawOptions): string {
  const stroke = shape.color ?? options.color;
  const style = `fill="none" stroke="${stroke}" stroke-width="${options.lineWidth}"`;
  if ("points" in shape) {
    const points = shape.points.map(([x, y]) => `${x},${y}`).join(" ");
    const [firstX, firstY] = shape.points[0] ?? [0, 0];
    return `<polygon points="${points}" ${style}/>${labelSvg(shape.label, firstX, firstY, stroke)}`;
  }
  const box = "box" in shape ? shape.box : shape;
  const text =
    "box" in shape
      ? `${shape.class}${shape.score === undefined ? "" : ` ${Math.round(shape.score * 100)}%`}`
      : shape.label;
  return `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" ${style}/>${labelSvg(text, box.x, box.y, stroke)}`;
}

function labelSvg(text: string | undefined, x: number, y: number, fill: string): string {
  if (!text) return "";
  return `<text x="${x + 2}" y="${Math.max(y - 4, 12)}" font-family="sans-serif" font-size="14" fill="${fill}">${escapeXml(text)}</text>`;
}

/** Labels come from device data and model answers: they must not become markup. */
function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
