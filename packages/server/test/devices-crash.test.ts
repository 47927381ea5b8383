import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import { createDeviceFixture, type DeviceFixture } from "./device-fixture.ts";
import { type ApiSession, signUp } from "./harness.ts";

// Slow suite: a real `conflux serve` process, killed with SIGKILL while devices publish QoS 1, started again.
const cli = new URL("../bin/conflux.js", import.meta.url).pathname;
const dataDir = mkdtempSync(path.join(tmpdir(), "conflux-devices-crash-"));
let child: ChildProcess | undefined;
const clients: MqttClient[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startServer(port: number, mqttPort: number): Promise<string> {
  child = spawn(process.execPath, [cli, "serve"], {
    env: {
      ...process.env,
      CONFLUX_DATA_DIR: dataDir,
      CONFLUX_PORT: String(port),
      CONFLUX_MQTT_PORT: String(mqttPort),
      CONFLUX_SOCKET_ENABLED: "0",
      CONFLUX_LOG_LEVEL: "error",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  // Generous: under a full parallel test run, starting a process with tsx takes a while.
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return url;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("conflux serve did not start");
}

afterAll(async () => {
  child?.kill("SIGKILL");
  for (const client of clients) client.end(true);
  rmSync(dataDir, { recursive: true, force: true });
});

async function storedSequences(session: ApiSession, deviceId: string): Promise<Set<number>> {
  const seen = new Set<number>();
  let after: string | undefined;
  do {
    const { body } = await session.call(
      "GET",
      `/v1/data/${deviceId}?order=asc&limit=1000${after ? `&after=${after}` : ""}`,
    );
    for (const entry of body.entries) seen.add(entry.content.seq);
    after = body.next;
  } while (after);
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
          if (++total === killAfter) child?.kill("SIGKILL");
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
    let before = "";
    for (;;) {
      const { body } = await session.call("GET", `/v1/apps/${first.appId}/runs?limit=100${before}`);
      runs += body.length;
      if (body.length < 100) break;
      before = `&before=${body.at(-1).runId}`;
    }
    expect(runs).toBeGreaterThanOrEqual(acknowledged.get(first.deviceId)?.length ?? 0);
  });
});
