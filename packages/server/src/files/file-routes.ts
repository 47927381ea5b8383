import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { pageOf, pageQuery } from "../api/list-envelope.ts";
import { UserError } from "../errors.ts";
import { type FileContent, type FileStore, signedUrlSeconds } from "./file-store.ts";

const wildcard = z.object({ "*": z.string() });
const storedFile = z.object({
  path: z.string(),
  contentType: z.string(),
  size: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

function sendFile(reply: FastifyReply, file: FileContent) {
  return (
    reply
      .header("content-type", file.contentType)
      .header("last-modified", new Date(file.updatedAt).toUTCString())
      // Uploaded content is served from the API's origin: it must not run as a page there.
      .header("content-security-policy", "sandbox")
      .header("x-content-type-options", "nosniff")
      .send(file.content)
  );
}

/** `PUT/GET/DELETE /v1/files/{path}`; a path ending in `/` lists the files under it. */
export async function fileRoutes(api: FastifyInstance, { files }: { files: FileStore }): Promise<void> {
  // Files are bytes of any type: no JSON parsing here, whatever the content type says.
  api.removeAllContentTypeParsers();
  api.addContentTypeParser(
    "*",
    { parseAs: "buffer", bodyLimit: files.maxFileBytes },
    (_request, body, done) => done(null, body),
  );
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const filesOf = (request: FastifyRequest) => files.forOperator(operatorOf(request).operatorId);

  routes.put(
    "/v1/files/*",
    {
      bodyLimit: files.maxFileBytes,
      schema: {
        summary: "Upload a file (the same path overwrites); its content type is kept",
        tags: ["FileEntry"],
        operationId: "putFile",
        params: wildcard,
        response: {
          200: storedFile.extend({ eventType: z.string() }),
          201: storedFile.extend({ eventType: z.string() }),
        },
      },
    },
    async (request, reply) => {
      const content = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const contentType = request.headers["content-type"] ?? "application/octet-stream";
      const stored = await filesOf(request).put(`/${request.params["*"]}`, content, contentType);
      return reply.status(stored.eventType === "created" ? 201 : 200).send(stored);
    },
  );

  routes.get(
    "/v1/files/*",
    {
      schema: {
        summary:
          "Download a file, or list the files under a path ending in '/' as {items, nextCursor} (?limit, ?cursor)",
        tags: ["FileEntry"],
        operationId: "getFile",
        params: wildcard,
        querystring: z.object(pageQuery(100, 1_000)),
      },
    },
    async (request, reply) => {
      const path = `/${request.params["*"]}`;
      const operatorFiles = filesOf(request);
      if (path.endsWith("/")) {
        const { cursor, limit } = request.query;
        const rows = await operatorFiles.list(path, {
          limit: limit + 1,
          ...(cursor === undefined ? {} : { after: cursor }),
        });
        return reply.send(pageOf(rows, limit, (file) => file.path));
      }
      const file = await operatorFiles.get(path);
      if (!file) throw new UserError("not_found", `no file ${path}`);
      return sendFile(reply, file);
    },
  );

  routes.get(
    "/v1/file-urls/*",
    {
      schema: {
        summary: "A signed URL that lets anyone download the file for one hour",
        tags: ["FileEntry"],
        operationId: "getSignedFileUrl",
        params: wildcard,
        response: { 200: z.object({ url: z.string(), expiresAt: z.number() }) },
      },
    },
    async (request) => {
      const path = `/${request.params["*"]}`;
      const operatorFiles = filesOf(request);
      if (!(await operatorFiles.stat(path))) throw new UserError("not_found", `no file ${path}`);
      return { url: operatorFiles.signedUrl(path), expiresAt: Date.now() + signedUrlSeconds * 1000 };
    },
  );

  routes.delete(
    "/v1/files/*",
    {
      schema: { summary: "Delete a file", tags: ["FileEntry"], operationId: "deleteFile", params: wildcard },
    },
    async (request, reply) => {
      const path = `/${request.params["*"]}`;
      if (!(await filesOf(request).delete(path))) throw new UserError("not_found", `no file ${path}`);
      return reply.status(204).send();
    },
  );
}

/** The public side: a signed, time-limited link, no API key. */
export async function signedFileRoutes(api: FastifyInstance, { files }: { files: FileStore }): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  routes.get(
    "/v1/signed/files/:operatorId/*",
    {
      schema: {
        summary: "Download a file through a signed URL (from /v1/file-urls or a file event)",
        tags: ["FileEntry"],
        operationId: "getSignedFile",
        params: z.object({ operatorId: z.string(), "*": z.string() }),
        querystring: z.object({ expires: z.coerce.number().int(), signature: z.string() }),
      },
    },
    async (request, reply) => {
      const { operatorId } = request.params;
      const path = `/${request.params["*"]}`;
      const { expires, signature } = request.query;
      // One answer for a bad signature, an expired link and a missing file: a link reveals nothing else.
      const refused = new UserError("not_found", "this link is invalid or has expired");
      if (!files.verifySignedUrl(operatorId, path, expires, signature)) throw refused;
      const file = await files.forOperator(operatorId).get(path);
      if (!file) throw refused;
      return sendFile(reply, file);
    },
  );
}
