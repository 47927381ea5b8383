import { connect } from "node:net";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import { createDeviceFixture, dataOf, externalBroker, runsOf } from "./device-fixture.ts";
import { signUp, startTestConflux, useSuite, waitForRun } from "./harness.ts";

const suite = useSuite({ devices: { mqttPort: 0, socketPort: 0, maxPayloadBytes: 1_024 } });
const clients: MqttClient[] = [];

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true)));
});

function brokerUrl() {
  return `mqtt://127.0.0.1:${suite.conflux.services.devices.listening.mqttPort}`;
}

async function connectDevice(deviceId: string, secret: string, url = brokerUrl()): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, {
    clientId: `${deviceId}-${clients.length}`,
    username: deviceId,
    password: secret,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  });
  clients.push(client);
  return client;
}

/** Resolves when the broker closes the connection. */
function closed(client: MqttClient): Promise<void> {
  return new Promise((resolve) => client.once("close", () => resolve()));
}

describe("the embedded MQTT broker", () => {
  it("acknowledges a QoS 1 publish only once the message is stored, and starts a run with the MQTT context", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    const client = await connectDevice(fixture.deviceId, fixture.secret);
    const topic = `devices/${fixture.deviceId}/data`;
    await client.publishAsync(topic, JSON.stringify({ temp: 7 }), { qos: 1 });
    // The PUBACK has arrived: the entry must already be there, with no waiting.
    expect(await dataOf(session, fixture.deviceId)).toEqual([{ temp: 7 }]);
    const [run] = await runsOf(session, fixture.appId);
    const detail = await waitForRun(session, fixture.appId, run?.runId as string);
    expect(detail.messages[0].context).toEqual({
      eventType: "device",
      request: { protocol: "mqtt", topic, qos: 1 },
      resource: { resourceId: fixture.deviceId, resourceType: "Device", deviceId: fixture.deviceId },
      group: { groupId: fixture.groupId },
      timestamp: expect.any(Number),
    });
    await client.publishAsync(topic, JSON.stringify({ temp: 8 }), { qos: 0 });
    await expect.poll(() => dataOf(session, fixture.deviceId)).toHaveLength(2);
  });

  it("stores a QoS 1 message its device sends again on a new connection of its session, before the first PUBACK, once", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    const ingest = suite.conflux.services.devices.ingest;
    const accept = ingest.accept;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    // The first message stays in its transaction until the device has sent it again.
    ingest.accept = async (...args: Parameters<typeof accept>) => {
      calls++;
      if (calls === 1) await held;
      return accept.apply(ingest, args);
    };
    try {
      const client = mqtt.connect(brokerUrl(), {
        clientId: `${fixture.deviceId}-kept`,
        clean: false,
        username: fixture.deviceId,
        password: fixture.secret,
        reconnectPeriod: 20,
      });
      clients.push(client);
      await new Promise<void>((resolve) => client.once("connect", () => resolve()));
      const published = client.publishAsync(`devices/${fixture.deviceId}/data`, JSON.stringify({ n: 1 }), {
        qos: 1,
      });
      await expect.poll(() => calls).toBe(1);
      const resent = new Promise<void>((resolve) =>
        client.on("packetsend", (packet) => packet.cmd === "publish" && resolve()),
      );
      // The connection drops before the PUBACK: the client reconnects to its session and resends.
      client.stream.destroy();
      await resent;
      // Time for the broker to read the resent publish while the first is still being stored.
      await new Promise((resolve) => setTimeout(resolve, 200));
      release();
      await published;
      expect(calls).toBe(1);
      expect(await dataOf(session, fixture.deviceId)).toEqual([{ n: 1 }]);
      expect(await runsOf(session, fixture.appId)).toHaveLength(1);
    } finally {
      ingest.accept = accept;
      release();
    }
  });

  it("refuses a wrong secret and an unknown device at CONNECT", async () => {
    const fixture = await createDeviceFixture(suite.session);
    await expect(connectDevice(fixture.deviceId, "wrong")).rejects.toThrow(/Bad username or password/);
    await expect(connectDevice("d-unknown", fixture.secret)).rejects.toThrow(/Bad username or password/);
  });

  it("refuses a client id that is not the device's own, so no device can push another off the broker", async () => {
    const victim = await createDeviceFixture(suite.session);
    const intruder = await createDeviceFixture(suite.session);
    const connected = await connectDevice(victim.deviceId, victim.secret);
    const takeover = mqtt.connectAsync(brokerUrl(), {
      clientId: connected.options.clientId as string,
      username: intruder.deviceId,
      password: intruder.secret,
      reconnectPeriod: 0,
    });
    await expect(takeover).rejects.toThrow(/Identifier rejected/);
    expect(connected.connected).toBe(true);
    await connected.publishAsync(`devices/${victim.deviceId}/data`, "{}", { qos: 1 });
  });

  it("disconnects a device that publishes to another device's topic, malformed JSON or an oversized payload, storing nothing", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    const victim = await createDeviceFixture(session);
    for (const [topic, payload] of [
      [`devices/${victim.deviceId}/data`, JSON.stringify({ forged: true })],
      [`devices/${fixture.deviceId}/data`, "{not json"],
      [`devices/${fixture.deviceId}/data`, JSON.stringify({ pad: "x".repeat(2_000) })],
      // Larger than any packet we accept: refused from its header, before its bytes are read.
      [`devices/${fixture.deviceId}/data`, "x".repeat(64 * 1024)],
    ] as const) {
      const client = await connectDevice(fixture.deviceId, fixture.secret);
      const gone = closed(client);
      client.publish(topic, payload, { qos: 1 });
      await gone;
    }
    expect(await dataOf(session, fixture.deviceId)).toEqual([]);
    expect(await dataOf(session, victim.deviceId)).toEqual([]);
    expect(await runsOf(session, fixture.appId)).toEqual([]);
    expect(await runsOf(session, victim.appId)).toEqual([]);
  });

  it("lets a device subscribe to its own commands only, and delivers commands from the API and from an app", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    const other = await createDeviceFixture(session);
    const client = await connectDevice(fixture.deviceId, fixture.secret);
    const granted = await client.subscribeAsync(`devices/${fixture.deviceId}/commands`, { qos: 1 });
    expect(granted.map((grant) => grant.qos)).toEqual([1]);
    // mqtt.js rejects a subscription the broker refused (SUBACK 0x80).
    for (const topic of [`devices/${other.deviceId}/commands`, "devices/+/data", "#"])
      await expect(client.subscribeAsync(topic, { qos: 1 }), topic).rejects.toThrow(/Subscribe error/);
    const received: Array<{ topic: string; payload: string }> = [];
    client.on("message", (topic, payload) => received.push({ topic, payload: payload.toString() }));

    const sent = await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, { fan: "on" });
    expect(sent.status).toBe(202);
    await expect
      .poll(() => received)
      .toEqual([{ topic: `devices/${fixture.deviceId}/commands`, payload: '{"fan":"on"}' }]);

    // An app closes the loop: a device message above 8 °C sends the device a command.
    const { body: app } = await session.call("POST", "/v1/apps", {
      name: "thermostat",
      channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
      actions: [
        {
          actionId: "cool",
          channelId: "in",
          type: "device-command",
          condition: "payload.temp > 8",
          config: {
            deviceId: fixture.deviceId,
            payload: '${payload.temp > 10 ? "max" : "on"}',
          },
        },
      ],
    });
    expect(app.appId).toBeDefined();
    const { body: accepted } = await session.call("POST", `/v1/apps/${app.appId}/channels/in/messages`, {
      temp: 12,
    });
    const run = await waitForRun(session, app.appId, accepted.executionId);
    expect(run.steps[0]).toMatchObject({
      status: "completed",
      result: { topic: `devices/${fixture.deviceId}/commands` },
    });
    await expect.poll(() => received.length).toBe(2);
    expect(received[1]?.payload).toBe("max");
  });

  it("a device-command action cannot reach another operator's device", async () => {
    const { session, conflux } = suite;
    const fixture = await createDeviceFixture(session);
    const other = await signUp(conflux.url);
    const { body: app } = await other.call("POST", "/v1/apps", {
      name: "intruder",
      channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
      actions: [
        {
          actionId: "open",
          channelId: "in",
          type: "device-command",
          config: { deviceId: fixture.deviceId, payload: "open" },
        },
      ],
    });
    const { body: accepted } = await other.call("POST", `/v1/apps/${app.appId}/channels/in/messages`, {});
    const run = await waitForRun(other, app.appId, accepted.executionId);
    expect(run.steps[0]).toMatchObject({ status: "failed", error: { code: "device_not_found" } });
  });

  it("checks the packet guard at the socket: a header announcing a huge packet closes the connection", async () => {
    const port = suite.conflux.services.devices.listening.mqttPort as number;
    const socket = connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    const ended = new Promise((resolve) => socket.once("close", resolve));
    // CONNECT header claiming 200 MB (remaining length 0xC0 0x84 0x3D): nothing to buffer, just refuse.
    socket.write(Buffer.from([0x10, 0x80, 0x84, 0xaf, 0x5f]));
    await ended;
    expect(socket.destroyed).toBe(true);
  });
});

describe("reading from an external broker (Mosquitto) with an MQTT 5 shared subscription", () => {
  it("stores what devices publish to the broker, acknowledged after it is durable, and sends commands through it", async () => {
    const external = await startTestConflux({
      devices: externalBroker("conflux-test"),
    });
    try {
      const session = await signUp(external.url);
      const fixture = await createDeviceFixture(session);
      // Mosquitto authenticates devices (here: anonymous); Conflux takes the id from the topic.
      const device = await connectDevice(fixture.deviceId, "", "mqtt://127.0.0.1:1883");
      await device.subscribeAsync(`devices/${fixture.deviceId}/commands`, { qos: 1 });
      const commands: string[] = [];
      device.on("message", (_topic, payload) => commands.push(payload.toString()));
      for (let i = 0; i < 5; i++)
        await device.publishAsync(`devices/${fixture.deviceId}/data`, JSON.stringify({ i }), { qos: 1 });
      await expect.poll(() => dataOf(session, fixture.deviceId)).toHaveLength(5);
      const runs = await runsOf(session, fixture.appId);
      const detail = await waitForRun(session, fixture.appId, runs[0]?.runId as string);
      expect(detail.messages[0].context.request).toEqual({
        protocol: "mqtt",
        topic: `devices/${fixture.deviceId}/data`,
        qos: 1,
      });
      // An MQTT 5 device names its message: publishing it again stores nothing new.
      const named = await mqtt.connectAsync("mqtt://127.0.0.1:1883", {
        protocolVersion: 5,
        clientId: `${fixture.deviceId}-v5`,
        reconnectPeriod: 0,
      });
      clients.push(named);
      for (let i = 0; i < 2; i++)
        await named.publishAsync(`devices/${fixture.deviceId}/data`, JSON.stringify({ named: 1 }), {
          qos: 1,
          properties: { userProperties: { "idempotency-key": "reading-1" } },
        });
      await expect.poll(() => dataOf(session, fixture.deviceId)).toHaveLength(6);
      await device.publishAsync(`devices/${fixture.deviceId}/data`, "not json", { qos: 1 });
      await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, "reboot");
      await expect.poll(() => commands).toEqual(["reboot"]);
      expect(await dataOf(session, fixture.deviceId)).toHaveLength(6);
      expect(await runsOf(session, fixture.appId)).toHaveLength(6);
    } finally {
      await external.cleanUp();
    }
  });
});
