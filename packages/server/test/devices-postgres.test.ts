import { randomBytes } from "node:crypto";
import mqtt from "mqtt";
import { describe, expect, it } from "vitest";
import { createDeviceFixture, dataOf, externalBroker } from "./device-fixture.ts";
import { signUp } from "./harness.ts";
import { useTwoInstancesOnPostgres } from "./two-instances.ts";

// Scale-out shape for devices: two Conflux processes on one PostgreSQL database, reading devices from one
// external broker (Mosquitto) through an MQTT 5 shared subscription, and sharing one file store.
const instances = await useTwoInstancesOnPostgres((instance) => ({
  devices: externalBroker(`conflux-pg-${instance === 0 ? "a" : "b"}`),
}));

describe.skipIf(!instances.reachable)("devices on two instances sharing one PostgreSQL database", () => {
  it("split a device's MQTT messages between them through the shared subscription, losing none", async () => {
    const session = await signUp(instances.first.url);
    const fixture = await createDeviceFixture(session);
    // Count what each instance accepts: the broker should hand messages to both.
    const accepted = [0, 0];
    for (const [index, instance] of [instances.first, instances.second].entries()) {
      const ingest = instance.services.devices.ingest;
      const accept = ingest.accept.bind(ingest);
      ingest.accept = (...args) => {
        accepted[index] = (accepted[index] ?? 0) + 1;
        return accept(...args);
      };
    }
    const device = await mqtt.connectAsync("mqtt://127.0.0.1:1883", {
      clientId: `device-${process.pid}`,
      reconnectPeriod: 0,
    });
    try {
      for (let seq = 0; seq < 40; seq++)
        await device.publishAsync(`devices/${fixture.deviceId}/data`, JSON.stringify({ seq }), { qos: 1 });
    } finally {
      await device.endAsync();
    }
    await expect
      .poll(async () => (await dataOf(session, fixture.deviceId)).length, { timeout: 10_000 })
      .toBe(40);
    const seqs = ((await dataOf(session, fixture.deviceId)) as Array<{ seq: number }>).map(
      (entry) => entry.seq,
    );
    expect(new Set(seqs).size).toBe(40);
    expect(accepted[0]).toBeGreaterThan(0);
    expect(accepted[1]).toBeGreaterThan(0);
    expect((accepted[0] ?? 0) + (accepted[1] ?? 0)).toBe(40);
    const fromSecond = await fetch(`${instances.second.url}/v1/data/${fixture.deviceId}?limit=1000`, {
      headers: session.headers,
    });
    expect(((await fromSecond.json()) as { items: unknown[] }).items).toHaveLength(40);
  });

  it("serve a file uploaded through one instance from the other, by API and by signed link", async () => {
    const session = await signUp(instances.first.url);
    const bytes = randomBytes(4_096);
    const put = await fetch(`${instances.first.url}/v1/files/shared/blob.bin`, {
      method: "PUT",
      headers: { ...session.headers, "content-type": "application/octet-stream" },
      body: bytes,
    });
    expect(put.status).toBe(201);
    const read = await fetch(`${instances.second.url}/v1/files/shared/blob.bin`, {
      headers: session.headers,
    });
    expect(Buffer.from(await read.arrayBuffer()).equals(bytes)).toBe(true);
    const { url } = (await (
      await fetch(`${instances.first.url}/v1/file-urls/shared/blob.bin`, { headers: session.headers })
    ).json()) as {
      url: string;
    };
    // Same secret key: a link signed by one instance opens on the other.
    const linked = await fetch(url.replace(instances.first.url, instances.second.url));
    expect(Buffer.from(await linked.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("keep HTTP ingest and the data store on PostgreSQL, refusing a wrong secret", async () => {
    const session = await signUp(instances.second.url);
    const fixture = await createDeviceFixture(session);
    const send = (secret: string, body: string) =>
      fetch(`${instances.first.url}/v1/devices/${fixture.deviceId}/data`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body,
      });
    expect((await send("wrong", "{}")).status).toBe(401);
    expect((await send(fixture.secret, '{"temp":3}')).status).toBe(202);
    expect(await dataOf(session, fixture.deviceId)).toEqual([{ temp: 3 }]);
  });
});
