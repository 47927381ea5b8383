import { contentTypeJson } from "@conflux/core";
import type { ActionDefinition } from "./action.ts";
import { loadActionMedia } from "./media.ts";
import { renderText, renderTransform } from "./render.ts";

/**
 * Writes a file in the operator's file store (SORACOM Flux's output to Harvest Files): a rendered
 * template, the input as JSON, or an image's bytes. The `file` event sources listening on its path start
 * one hop on, so an app that writes what starts it ends at the hop limit as a loop of outputs does.
 */
export const fileWriteAction: ActionDefinition<"file-write"> = {
  type: "file-write",
  async run(config, context) {
    const { scope } = context;
    const path = renderText(config.path, scope).trim();
    let content: Buffer;
    let contentType: string;
    if (config.imageUrl) {
      const image = await loadActionMedia(config.imageUrl, "image", context);
      content = Buffer.from(image.data);
      contentType = image.mediaType;
    } else if (config.content) {
      const rendered = renderTransform(config.content, scope);
      contentType = config.content.contentType;
      content = Buffer.from(contentType === contentTypeJson ? JSON.stringify(rendered) : String(rendered));
    } else {
      content = Buffer.from(JSON.stringify(scope.payload ?? null));
      contentType = contentTypeJson;
    }
    // The store checks the path and the size limit, as an upload's are checked (a user error, not retried).
    const stored = await context.ai.files(context.operator.operatorId).put(path, content, contentType, {
      hop: context.hop + 1,
    });
    return { result: { path, size: stored.size, contentType } };
  },
};
