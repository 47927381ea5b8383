import { describe, expect, it } from "vitest";
import { newPasswordSchema } from "./password-policy.ts";

describe("newPasswordSchema", () => {
  it.each([
    ["seven77", "at least 8"],
    ["x".repeat(257), "at most 256"],
    ["password123", "common passwords"],
    ["PassWord1", "common passwords"],
  ])("refuses %s", (password, message) => {
    const result = newPasswordSchema.safeParse(password);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(message);
  });

  it.each(["correct horse battery staple", "x".repeat(256), "Zq8#vN2!pL"])("accepts %s", (password) => {
    expect(newPasswordSchema.safeParse(password).success).toBe(true);
  });
});
