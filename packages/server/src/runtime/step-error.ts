import { ExpressionError } from "@conflux/core";
import { UserError } from "../errors.ts";
import { OutboundError } from "../outbound/guarded-client.ts";
import { SandboxError } from "../sandbox/quickjs.ts";
import type { StepError } from "../store/store.ts";
import { ActionError } from "./actions/action.ts";

export interface ClassifiedError extends StepError {
  /** Worth another try: a timeout, a 429, a 5xx, a dropped connection. */
  transient: boolean;
  /** Not before this long, when the far side said so (Retry-After). */
  retryAfterMs?: number;
}

/** Turns whatever an action threw into what the history shows; unknown errors are not retried. */
export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof ActionError)
    return {
      code: error.code,
      message: error.message,
      transient: error.transient,
      retryAfterMs: error.retryAfterMs,
    };
  if (error instanceof OutboundError)
    return { code: error.code, message: error.message, transient: error.transient };
  // The operator's own code queue is full: its runs wait outside the runtime's slots.
  if (error instanceof SandboxError && error.code === "code_busy")
    return { code: error.code, message: error.message, transient: true };
  // A user error raised under an action (a bad file path, a file over the limit) is the input's fault: not retried.
  if (error instanceof ExpressionError || error instanceof SandboxError || error instanceof UserError)
    return { code: error.code, message: error.message, transient: false };
  return {
    code: "internal",
    message: error instanceof Error ? error.message : String(error),
    transient: false,
  };
}
