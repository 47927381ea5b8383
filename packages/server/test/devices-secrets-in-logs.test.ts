import { createSocket } from "node:dgram";
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeReply, encodeFrame } from "../src/devices/frame.ts";
import { createDeviceFixture } from "./device-fixture.ts";
import { signUp, startTestConflux } from "./harness.ts";
import { captureLog } from "./log-capture.ts";

const { lines, destination: capture } = captureLog();
let conflux: Awaited<ReturnType<typeof startTestConflux>>;

beforeAll(async () => {
  conflux = await startTestConflux({ logLevel: "trace" }, capture);
});

afterAll(async () => conflux?.cleanUp());

describe("the log, with devices", () => {
  it("holds no device secret, whether the device sends over HTTP, MQTT or UDP, succeeds or is refused", async () => {
    const session = await signUp(conflux.url);
    const fixture = await createDeviceFixture(session);
    const { devices } = conflux.services;
    const url = `${conflux.url}/v1/devices/${fixture.deviceId}/data`;
    for (const body of ['{"ok":1}', "not json"])
      await fetch(url, { method: "POST", headers: { authorization: `Bearer ${fixture.secret}` }, body });
    await fetch(url, { method: "POST", headers: { authorization: `Bearer ${fixture.secret}x` }, body: "{}" });

    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${devices.listening.mqttPort}`, {
      clientId: fixture.deviceId,
      username: fixture.deviceId,
      password: fixture.secret,
      reconnectPeriod: 0,
    });
    await client.publishAsync(`devices/${fixture.deviceId}/data`, '{"ok":2}', { qos: 1 });
    const gone = new Promise((resolve) => client.once("close", () => resolve(undefined)));
    client.publish(`devices/${fixture.deviceId}/data`, "not json", { qos: 1 });
    await gone;
    client.end(true);
    await mqtt
      .connectAsync(`mqtt://127.0.0.1:${devices.listening.mqttPort}`, {
        clientId: fixture.deviceId,
        username: fixture.deviceId,
        password: `${fixture.secret}x`,
        reconnectPeriod: 0,
      })
      .catch(() => undefined);

    const socket = createSocket("udp4");
    for (const secret of [fixture.secret, `${fixture.secret}x`]) {
      const reply = new Promise<Buffer>((resolve) => socket.once("message", resolve));
      socket.send(
        encodeFrame({ deviceId: fixture.deviceId, secret, payload: Buffer.from("{}") }),
        devices.listening.socketPort as number,
        "127.0.0.1",
      );
      expect(decodeReply(await reply)).toBeDefined();
    }
    socket.close();

    const log = lines.join("");
    expect(log).toContain(fixture.deviceId);
    expect(log).not.toContain(fixture.secret);
  });
});
