import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { ServerConfig } from "../config/config.ts";
import { UserError } from "../errors.ts";

/** The studio's build, as `npm start` leaves it: packages/studio/dist beside this package. */
const defaultStudioDir = fileURLToPath(new URL("../../../studio/dist", import.meta.url));

/**
 * Scripts only from our origin (no inline script, no eval), so an injected string cannot run code and
 * act with the session (its token is in an HttpOnly cookie no script reads). Styles: React Flow sets
 * element styles through the DOM, which CSP does not govern; CodeMirror's injected <style> elements
 * would be blocked, so the editor adopts them as constructed stylesheets (studio
 * editor/codemirror-styles.ts). No framing (clickjacking).
 */
const studioContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Serves the studio from the API's own port: built files as they are, and index.html for every other
 * GET outside the API, so the studio's own paths (/apps/…) survive a reload. Without a build the API
 * runs alone and says so once in the log.
 */
export async function studioRoutes(
  api: FastifyInstance,
  { config, logger }: { config: ServerConfig; logger: Logger },
): Promise<void> {
  const root = path.resolve(config.studioDir ?? defaultStudioDir);
  if (!existsSync(path.join(root, "index.html"))) {
    logger.warn(
      { studioDir: root },
      "the studio is not built, serving the API only (build it with: npm run build -w @conflux/studio)",
    );
    return;
  }
  await api.register(fastifyStatic, {
    root,
    prefix: "/",
    wildcard: false,
    index: false,
    cacheControl: false,
    schemaHide: true,
    setHeaders: (response, filePath) => {
      response.setHeader("content-security-policy", studioContentSecurityPolicy);
      // Vite names built assets by their content hash: they never change under one name.
      const hashed = filePath.startsWith(path.join(root, "assets") + path.sep);
      response.setHeader("cache-control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
  api.get("/*", { schema: { hide: true } }, async (request, reply) => {
    const pathname = request.url.split("?")[0] ?? "/";
    if (pathname.startsWith("/v1/") || pathname.startsWith("/assets/"))
      throw new UserError("not_found", `no route GET ${pathname}`);
    // sendFile goes through setHeaders above: the policy, and no-cache for index.html.
    return reply.sendFile("index.html");
  });
}

/** Headers every response carries, the API's JSON included. */
export function addSecurityHeaders(api: FastifyInstance): void {
  api.addHook("onSend", async (_request, reply) => {
    reply.header("x-content-type-options", "nosniff");
    reply.header("x-frame-options", "DENY");
    reply.header("referrer-policy", "no-referrer");
  });
}
