import { describe, expect, it } from "vitest";
import { tryActionWith } from "./ai-try.ts";
import { ApiError } from "./client.ts";

describe("tryActionWith", () => {
  it("a completed try is the result and usage; a failed one its code and message", async () => {
    const completed = tryActionWith({
      tryAction: async () => ({ status: "completed", result: { output: "yes" }, usage: { credits: 1 } }),
    });
    expect(await completed("ai", {}, {})).toEqual({
      ok: true,
      result: { output: "yes" },
      usage: { credits: 1 },
    });
    const failed = tryActionWith({
      tryAction: async () => ({ status: "failed", error: { code: "rate_limited", message: "slow down" } }),
    });
    expect(await failed("ai", {}, {})).toEqual({ ok: false, code: "rate_limited", message: "slow down" });
  });

  it("a refused request keeps the API's code; no answer at all is request_failed", async () => {
    const refused = tryActionWith({
      tryAction: async () => Promise.reject(new ApiError(400, "validation_failed", "prompt: required")),
    });
    expect(await refused("ai", {}, {})).toEqual({
      ok: false,
      code: "validation_failed",
      message: "prompt: required",
    });
    const lost = tryActionWith({ tryAction: async () => Promise.reject(new TypeError("Failed to fetch")) });
    expect(await lost("bounding-box", {}, {})).toMatchObject({ ok: false, code: "request_failed" });
  });
});
