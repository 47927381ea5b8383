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
  /** A monthly cap (the plan's or the operator's own) is reached: 429 until the month ends. */
  | "quota_exceeded"
  /** The provider suspended the operator: its sources and changes are refused, reads still work. */
  | "operator_suspended"
  /** The service is over its load (its backlog's latency bound): 503 with Retry-After. */
  | "overloaded";

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
