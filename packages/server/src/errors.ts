/** Errors a user can cause, as values: a stable code and a message a person understands. */
export type UserErrorCode =
  | "bad_request"
  | "validation_failed"
  | "unauthorized"
  | "forbidden"
  /** Sign-in of an account whose application awaits the provider's review, or was refused [3.2]. */
  | "account_pending"
  | "account_refused"
  /** Sign-in before opening the link mailed at sign-up, when the provider requires it. */
  | "email_not_verified"
  /** The provider's sign-up policy is `closed`. */
  | "sign_up_closed"
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
  | "overloaded"
  /** The card processor declined a card payment: 402 with its reason. */
  | "payment_declined"
  /** Card payments are off, or the card processor did not answer: 502, nothing was recorded. */
  | "payment_processor_unavailable";

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
