import { describe, expect, it } from "vitest";
import type { ActionError } from "./action.ts";
import { failOnErrorStatus } from "./http-response.ts";

function response(status: number, headers: Record<string, string> = {}) {
  return { status, headers, body: Buffer.from(""), truncated: false };
}

function failureOf(status: number, headers?: Record<string, string>): ActionError {
  try {
    failOnErrorStatus(response(status, headers), "the webhook");
  } catch (error) {
    return error as ActionError;
  }
  throw new Error("no failure");
}

describe("an HTTP answer that is an error", () => {
  it("is tried again after a 429 or 5xx, no sooner than its Retry-After", () => {
    expect(failureOf(503, { "retry-after": "7" })).toMatchObject({ transient: true, retryAfterMs: 7_000 });
    expect(failureOf(429)).toMatchObject({ code: "http_status", transient: true, retryAfterMs: undefined });
  });

  it("is not tried again after another 4xx, whatever its Retry-After", () => {
    expect(failureOf(404, { "retry-after": "7" })).toMatchObject({
      transient: false,
      retryAfterMs: undefined,
    });
    expect(() => failOnErrorStatus(response(204), "the webhook")).not.toThrow();
  });
});
