import { describe, expect, it } from "vitest";
import { createDeviceFixture, dataOf } from "./device-fixture.ts";
import { signUp } from "./harness.ts";
import { providerSession } from "./provider-session.ts";
import { useTwoInstancesOnPostgres } from "./two-instances.ts";

const instances = await useTwoInstancesOnPostgres();

describe.skipIf(!instances.reachable)("bandwidth buckets on two instances", () => {
  it("are one bucket: a device that emptied it on one instance is refused on the other", async () => {
    const { first, second } = instances;
    const provider = await providerSession(first);
    const { body: settings } = await provider.call("GET", "/v1/provider/settings");
    expect(
      (
        await provider.call("PUT", "/v1/provider/settings", {
          ...settings,
          rateLimits: { ingestBytesPerSecondPerDevice: 10 },
        })
      ).status,
    ).toBe(200);
    // Each instance caches the provider's settings for a second (its billing calendar reads them from
    // the start): wait until the second one serves the new limit.
    const onSecond = await providerSession(second);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const seen = await onSecond.call("GET", "/v1/provider/settings");
      if (seen.body.rateLimits?.ingestBytesPerSecondPerDevice === 10) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const session = await signUp(first.url);
    const fixture = await createDeviceFixture(session);
    const send = (url: string) =>
      fetch(`${url}/v1/devices/${fixture.deviceId}/data`, {
        method: "POST",
        headers: { authorization: `Bearer ${fixture.secret}`, "content-type": "application/json" },
        body: JSON.stringify({ temp: 4.5, pad: "x".repeat(30) }),
      });
    expect((await send(first.url)).status).toBe(202);
    const refused = await send(second.url);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await send(first.url)).status).toBe(429);
    expect(await dataOf(session, fixture.deviceId)).toHaveLength(1);
  });
});
