import mqtt, { type MqttClient } from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import { createDeviceFixture, type DeviceFixture } from "./device-fixture.ts";
import { type ApiSession, signUp } from "./harness.ts";
import { freePort, useServeProcess } from "./serve-process.ts";

// Slow suite: a real `conflux serve` process, killed with SIGKILL while devices publish QoS 1, started again.
const serve = useServeProcess("devices-crash");
const clients: MqttClient[] = [];

afterAll(() => {
  for (const client of clients) client.end(true);
});

/** `conflux serve` with its MQTT broker on `mqttPort` and no socket listener. */
function startServer(port: number, mqttPort: number): Promise<string> {
  return serve.start(port, {
    CONFLUX_MQTT_PORT: String(mqttPort),
    CONFLUX_SOCKET_ENABLED: "0",
    CONFLUX_LOG_LEVEL: "error",
  });
}

async function storedSequences(session: ApiSession, deviceId: string): Promise<Set<number>> {
  const seen = new Set<number>();
  let cursor: string | null = null;
  do {
    const { body } = await session.call(
      "GET",
      `/v1/data/${deviceId}?order=asc&limit=1000${cursor ? `&cursor=${cursor}` : ""}`,
    );
    for (const entry of body.items) seen.add(entry.content.seq);
    cursor = body.nextCursor;
  } while (cursor);
  return seen;
}

describe("a server killed with SIGKILL while devices publish QoS 1", () => {
  it("has every acknowledged message in the data store after restart", { timeout: 180_000 }, async () => {
    const [port, mqttPort] = [await freePort(), await freePort()];
    const url = await startServer(port, mqttPort);
    const session = await signUp(url);
    const devices: DeviceFixture[] = [];
    for (let i = 0; i < 4; i++) devices.push(await createDeviceFixture(session));

    const acknowledged = new Map<string, number[]>(devices.map((device) => [device.deviceId, []]));
    let total = 0;
    const killAfter = 300;
    const publisher = async (device: DeviceFixture) => {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
        clientId: device.deviceId,
        username: device.deviceId,
        password: device.secret,
        reconnectPeriod: 0,
        connectTimeout: 90_000,
      });
      clients.push(client);
      const gone = new Promise<void>((resolve) => client.once("close", () => resolve()));
      // Several messages in flight per device, as a device with a send queue would have.
      const lane = async (offset: number) => {
        for (let seq = offset; ; seq += 4) {
          const sent = client.publishAsync(`devices/${device.deviceId}/data`, JSON.stringify({ seq }), {
            qos: 1,
          });
          const outcome = await Promise.race([
            sent.then(() => "acked" as const),
            gone.then(() => "gone" as const),
          ]);
          if (outcome === "gone") return;
          acknowledged.get(device.deviceId)?.push(seq);
          if (++total === killAfter) serve.kill();
        }
      };
      await Promise.all([0, 1, 2, 3].map(lane));
    };
    await Promise.all(devices.map(publisher));
    expect(total).toBeGreaterThanOrEqual(killAfter);

    // Same ports and data folder: the session's token is in the database and still valid.
    await startServer(port, mqttPort);
    for (const device of devices) {
      const stored = await storedSequences(session, device.deviceId);
      const acked = acknowledged.get(device.deviceId) ?? [];
      const lost = acked.filter((seq) => !stored.has(seq));
      expect(lost, device.deviceId).toEqual([]);
    }
    // Each acknowledged message of the first device also started a run in its group's app.
    const [first] = devices as [DeviceFixture];
    let runs = 0;
    let cursor = "";
    for (;;) {
      const { body } = await session.call("GET", `/v1/apps/${first.appId}/runs?limit=100${cursor}`);
      runs += body.items.length;
      if (body.nextCursor === null) break;
      cursor = `&cursor=${body.nextCursor}`;
    }
    expect(runs).toBeGreaterThanOrEqual(acknowledged.get(first.deviceId)?.length ?? 0);
  });
});
