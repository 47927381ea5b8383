import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { UserError, type UserErrorCode } from "../errors.ts";
import { describeProblems, problemsAfter } from "./validation-problems.ts";

/** The one map from error codes to HTTP statuses. */
const statusOf: Record<UserErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  account_pending: 403,
  account_refused: 403,
  email_not_verified: 403,
  sign_up_closed: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  quota_exceeded: 429,
  operator_suspended: 403,
  overloaded: 503,
  payment_declined: 402,
  payment_processor_unavailable: 502,
};

/** Fastify's own errors, in our codes. */
const fastifyCodes: Record<string, UserErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_CTP_EMPTY_JSON_BODY: "bad_request",
  FST_ERR_CTP_INVALID_JSON_BODY: "bad_request",
};

/**
 * Types a route may take a body in, as the 415 names them. text/plain is left out: Fastify parses it
 * everywhere, but a route that wants JSON then refuses the string.
 */
const namedTypes = ["application/json", "application/yaml", "text/yaml", "application/x-yaml"];

/**
 * "content type 'text/xml' is not accepted here: send application/json". A route whose body schema is
 * an object takes JSON only (a YAML parser of its plugin would hand it a string it refuses); a route
 * that reads its body itself (app import) takes every type its plugin parses.
 */
function unsupportedType(request: FastifyRequest): string {
  const sent = request.headers["content-type"];
  const body = (request.routeOptions.schema as { body?: { shape?: unknown } } | undefined)?.body;
  const accepted =
    typeof body?.shape === "object"
      ? ["application/json"]
      : namedTypes.filter((type) => request.server.hasContentTypeParser(type));
  const what = sent
    ? `content type '${sent.split(";")[0]?.trim()}' is not accepted here`
    : "the body has no content type";
  return `${what}: send ${accepted.join(" or ") || "application/json"}`;
}

/** Errors leave as `{code, message}`; a 5xx says nothing of the internals and is logged instead. */
export function registerErrorHandler(api: FastifyInstance): void {
  api.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof UserError) {
      if ("retryAfterSeconds" in error) reply.header("retry-after", String(error.retryAfterSeconds));
      return reply.status(statusOf[error.code]).send({
        code: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const failed = error.validationContext ?? "request";
      const details = [
        ...error.validation.map((issue) => ({
          in: failed,
          path: issue.instancePath.replace(/^\//, "").replaceAll("/", "."),
          message: issue.message ?? "invalid",
        })),
        ...problemsAfter(request, error.validationContext),
      ];
      return reply
        .status(400)
        .send({ code: "validation_failed", message: describeProblems(details), details });
    }
    if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
      return reply.status(415).send({ code: "unsupported_media_type", message: unsupportedType(request) });
    const mapped = error.code ? fastifyCodes[error.code] : undefined;
    if (mapped) return reply.status(statusOf[mapped]).send({ code: mapped, message: error.message });
    if (error.statusCode && error.statusCode < 500)
      return reply.status(error.statusCode).send({ code: "bad_request", message: error.message });
    request.log.error({ err: error }, "request failed");
    return reply
      .status(500)
      .send({ code: "internal", message: "internal error; the server log has the details" });
  });
  api.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .send({ code: "not_found", message: `no route ${request.method} ${request.url.split("?")[0]}` }),
  );
}
