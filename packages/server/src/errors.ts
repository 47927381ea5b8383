/** Errors a user can cause, as values: a stable code and a message a person understands. */
export type UserErrorCode =
  | "bad_request"
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "precondition_failed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  /** The service is over its load (its backlog's latency bound): 503 with Retry-After. */
  | "overloaded"
  /** The provider suspended the operator [ToS 5.1.3]: 403. */
  | "operator_suspended";

export class UserError extends Error {
  constructor(
    readonly code: UserErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "UserError";
  }
}
