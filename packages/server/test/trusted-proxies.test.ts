import { beforeAll, describe, expect, it } from "vitest";
import { signUp, startTestConflux } from "./harness.ts";

// The client's address (audit log, sign-in counts, ipAddress conditions) comes from X-Forwarded-For
// only when the proxy that sent it is trusted; otherwise a client could pick any address it likes.
const app = { name: "proxied", channels: [{ channelId: "in" }], actions: [] };

async function auditedAddress(trustedProxies: string[]): Promise<string> {
  const conflux = await startTestConflux({ http: { trustedProxies } });
  try {
    const session = await signUp(conflux.url);
    const created = await session.call("POST", "/v1/apps", app, { "x-forwarded-for": "203.0.113.9" });
    expect(created.status, created.text).toBe(201);
    const rows = (await session.call("GET", "/v1/audit_logs/api?limit=1")).body as {
      remoteIpAddress: string;
    }[];
    return rows[0]?.remoteIpAddress ?? "";
  } finally {
    await conflux.cleanUp();
  }
}

describe("trusted proxies", () => {
  let trusted: string;
  let untrusted: string;
  beforeAll(async () => {
    trusted = await auditedAddress(["127.0.0.1"]);
    untrusted = await auditedAddress([]);
  });

  it("take the client's address from X-Forwarded-For sent by a trusted proxy", () => {
    expect(trusted).toBe("203.0.113.9");
  });

  it("ignore X-Forwarded-For when no proxy is trusted", () => {
    expect(untrusted).toBe("127.0.0.1");
  });
});
