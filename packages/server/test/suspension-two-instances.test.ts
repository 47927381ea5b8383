import { describe, expect, it } from "vitest";
import { createDeviceFixture } from "./device-fixture.ts";
import { signUp } from "./harness.ts";
import { providerSession } from "./provider-session.ts";
import { useTwoInstancesOnPostgres } from "./two-instances.ts";

const instances = await useTwoInstancesOnPostgres();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one reading to `url`'s device HTTP ingest until it answers `status`; the answers seen on the way. */
async function sendUntil(url: string, deviceId: string, secret: string, status: number): Promise<number[]> {
  const seen: number[] = [];
  for (;;) {
    const response = await fetch(`${url}/v1/devices/${deviceId}/data`, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: '{"temp":1}',
    });
    seen.push(response.status);
    if (response.status === status) return seen;
    if (seen.length > 500) throw new Error(`never ${status}: ${seen.slice(-5).join(", ")}`);
    await sleep(20);
  }
}

describe.skipIf(!instances.reachable)("a suspension made on one instance", () => {
  it("is seen by the other's source door and API, and so is the resume", async () => {
    const { first, second } = instances;
    const session = await signUp(second.url);
    const fixture = await createDeviceFixture(session);
    const admin = await providerSession(first);
    expect(
      (await admin.call("POST", `/v1/provider/operators/${session.operatorId}/suspend`, { reason: "other" }))
        .status,
    ).toBe(200);
    // The API reads the status with the token: at once.
    expect(
      (await session.call("POST", "/v1/apps/import", { name: "x", channels: [], actions: [] })).status,
    ).toBe(403);
    // The door reads its cache, refreshed each second: within a few tries.
    const refused = await sendUntil(second.url, fixture.deviceId, fixture.secret, 403);
    expect(refused.every((status) => status === 202 || status === 403)).toBe(true);
    expect((await admin.call("POST", `/v1/provider/operators/${session.operatorId}/resume`)).status).toBe(
      200,
    );
    await sendUntil(second.url, fixture.deviceId, fixture.secret, 202);
  });
});
