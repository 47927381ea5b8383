import { describe, expect, it } from "vitest";
import { MessageCache } from "./message-cache.ts";

const row = (messageId: string, operatorId: string, payload = "{}") => ({
  messageId,
  executionId: messageId,
  operatorId,
  appId: "app",
  channelId: "in",
  hop: 0,
  payload,
  context: '{"eventType":"api"}',
  parentStepId: null,
  createdAt: 1,
});

describe("message cache", () => {
  it("gives a message to its own operator only", () => {
    const cache = new MessageCache();
    cache.remember(row("m1", "op-a"));
    expect(cache.get("op-a", "m1")?.messageId).toBe("m1");
    expect(cache.get("op-b", "m1")).toBeUndefined();
  });

  it("keeps at most 16 MiB of JSON, dropping the oldest first", () => {
    const cache = new MessageCache();
    const sixMiB = "x".repeat(6 * 1024 * 1024);
    for (const id of ["m1", "m2", "m3"]) cache.remember(row(id, "op-a", sixMiB));
    expect(cache.get("op-a", "m1")).toBeUndefined();
    expect(cache.get("op-a", "m2")?.messageId).toBe("m2");
    expect(cache.get("op-a", "m3")?.messageId).toBe("m3");
  });
});
