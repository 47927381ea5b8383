import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { UserError, type UserErrorCode } from "../errors.ts";

/** The one map from error codes to HTTP statuses. */
const statusOf: Record<UserErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  overloaded: 503,
};

/** Fastify's own errors, in our codes. */
const fastifyCodes: Record<string, UserErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "payload_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_EMPTY_JSON_BODY: "bad_request",
  FST_ERR_CTP_INVALID_JSON_BODY: "bad_request",
};

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
      const details = error.validation.map((issue) => ({
        path: issue.instancePath.replace(/^\//, "").replaceAll("/", "."),
        message: issue.message,
      }));
      const first = details[0];
      const where = first?.path
        ? `${error.validationContext} ${first.path}`
        : (error.validationContext ?? "request");
      return reply
        .status(400)
        .send({ code: "validation_failed", message: `${where}: ${first?.message ?? "invalid"}`, details });
    }
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
