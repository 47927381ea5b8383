import { describeJsonDepthLimit, jsonTextNestsDeeperThan } from "@conflux/core";
import type { FastifyInstance } from "fastify";
import { UserError } from "../errors.ts";

/**
 * JSON bodies of every route (channel messages, incoming webhooks, app import…) are refused with 400
 * when they nest deeper than `maxDepth`: 16,000 levels fit in 32 KB, and a recursive walk of such a
 * value later (serialising it for the queue) overflowed the stack and answered 500. The text is
 * scanned before it is parsed; then Fastify's own parser (prototype-poisoning checks included) runs.
 */
export function refuseDeepJson(api: FastifyInstance, maxDepth: number): void {
  const parseJson = api.getDefaultJsonParser("error", "error");
  api.removeContentTypeParser("application/json");
  api.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (jsonTextNestsDeeperThan(text, maxDepth))
      return done(new UserError("bad_request", describeJsonDepthLimit(maxDepth)), undefined);
    return parseJson(request, text, done);
  });
}
