import type { JsonValue } from "@conflux/core";
import { parseRetryAfter } from "../ai/ask-model.ts";
import type { OutboundResponse } from "../outbound/guarded-client.ts";
import { ActionError } from "./action.ts";

/** 429 and 5xx are worth another try, no sooner than their Retry-After; other 4xx are the request's fault and are not. */
export function failOnErrorStatus(response: OutboundResponse, service: string): void {
  if (response.status < 400) return;
  const transient = response.status === 429 || response.status >= 500;
  const retryAfterMs = transient ? parseRetryAfter(response.headers) : undefined;
  throw new ActionError(
    "http_status",
    `${service} answered HTTP ${response.status}`,
    transient,
    retryAfterMs,
  );
}

/** The body as JSON when it is JSON (and complete), as text otherwise. */
export function readResponseBody(response: OutboundResponse): JsonValue {
  const text = response.body.toString("utf8");
  const contentType = response.headers["content-type"] ?? "";
  if (!response.truncated && contentType.includes("json")) {
    try {
      return JSON.parse(text) as JsonValue;
    } catch {
      return text;
    }
  }
  return text;
}
