import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { useTwoInstancesOnPostgres } from "./two-instances.ts";

const instances = await useTwoInstancesOnPostgres();

const signIn = (url: string, email: string, password: string) =>
  fetch(`${url}/v1/auth`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });

describe.skipIf(!instances.reachable)("sign-in failures on two instances", () => {
  it("are counted in the database: failures on one slow sign-in down on the other", {
    timeout: 120_000,
  }, async () => {
    const email = `shared-${randomUUID()}@example.com`;
    for (let attempt = 0; attempt < 5; attempt++)
      expect((await signIn(instances.first.url, email, "a wrong password")).status).toBe(401);
    const refused = await signIn(instances.second.url, email, "a wrong password");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
