import mqtt, { type MqttClient } from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import type { CommandOutbox } from "../src/devices/device-commands.ts";
import {
  createDeviceFixture,
  type DeviceFixture,
  externalBroker,
  listenForCommands,
} from "./device-fixture.ts";
import { signUp, startTestConflux, useSuite, waitForRun } from "./harness.ts";

// The command outbox on one SQLite server with its embedded broker.
const suite = useSuite({
  devices: { mqttPort: 0, socketEnabled: false, maxPendingCommands: 3, commandPollMs: 50 },
});
const clients: MqttClient[] = [];

afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true)));
});

function connectDevice(fixture: DeviceFixture, qos: 0 | 1 = 1) {
  return listenForCommands(suite.conflux.services.devices.listening.mqttPort, fixture, clients, qos);
}

const commandOf = async (fixture: DeviceFixture, commandId: string) =>
  (await suite.session.call("GET", `/v1/devices/${fixture.deviceId}/commands/${commandId}`)).body;

describe("device commands through the outbox", () => {
  it("keeps commands for an offline device and delivers them in order when it connects", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    const sent = [];
    for (const payload of ["one", "two", "three"]) {
      const answer = await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, payload);
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({
        commandId: expect.stringMatching(/^c-/),
        deviceId: fixture.deviceId,
        topic: `devices/${fixture.deviceId}/commands`,
        status: "pending",
        deliveredAt: null,
      });
      sent.push(answer.body.commandId as string);
    }
    const device = await connectDevice(fixture);
    await expect.poll(() => device.received).toEqual(["one", "two", "three"]);
    for (const commandId of sent)
      await expect.poll(async () => (await commandOf(fixture, commandId)).status).toBe("delivered");
    const listed = await session.call("GET", `/v1/devices/${fixture.deviceId}/commands?limit=2`);
    expect(listed.body.items.map((command: { payload: string }) => command.payload)).toEqual([
      "three",
      "two",
    ]);
  });

  it("sends a command again to a device that did not acknowledge it, when it reconnects", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    // This device takes the publish but never sends its PUBACK (mqtt.js sends it when handleMessage calls back).
    const silent = await connectDevice(fixture);
    silent.client.handleMessage = () => {};
    const sent = await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, "unlock");
    await expect.poll(() => silent.received).toEqual(["unlock"]);
    expect((await commandOf(fixture, sent.body.commandId)).status).toBe("pending");
    await silent.client.endAsync(true);
    const device = await connectDevice(fixture);
    await expect.poll(() => device.received).toEqual(["unlock"]);
    await expect.poll(async () => (await commandOf(fixture, sent.body.commandId)).status).toBe("delivered");
  });

  it("delivers to a device that resumes a kept session without subscribing again", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    const url = `mqtt://127.0.0.1:${suite.conflux.services.devices.listening.mqttPort}`;
    const options = {
      clientId: `${fixture.deviceId}-kept`,
      username: fixture.deviceId,
      password: fixture.secret,
      clean: false,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    };
    const first = await mqtt.connectAsync(url, options);
    await first.subscribeAsync(`devices/${fixture.deviceId}/commands`, { qos: 1 });
    const received: string[] = [];
    first.on("message", (_topic, payload) => received.push(payload.toString()));
    const live = await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, "while connected");
    await expect.poll(() => received).toEqual(["while connected"]);
    await expect.poll(async () => (await commandOf(fixture, live.body.commandId)).status).toBe("delivered");
    await first.endAsync();
    const later = await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, "while away");
    const resumed = await mqtt.connectAsync(url, options);
    clients.push(resumed);
    resumed.on("message", (_topic, payload) => received.push(payload.toString()));
    await expect.poll(() => received).toEqual(["while connected", "while away"]);
    await expect.poll(async () => (await commandOf(fixture, later.body.commandId)).status).toBe("delivered");
  });

  it("counts a command delivered once written to a device subscribed at QoS 0, which sends no PUBACK", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    const device = await connectDevice(fixture, 0);
    const sent = await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, "once");
    await expect.poll(() => device.received).toEqual(["once"]);
    await expect.poll(async () => (await commandOf(fixture, sent.body.commandId)).status).toBe("delivered");
    const next = await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, "twice");
    await expect.poll(async () => (await commandOf(fixture, next.body.commandId)).status).toBe("delivered");
    expect(device.received).toEqual(["once", "twice"]);
  });

  it("sends a command once to a kept session that resumes after not acknowledging it, not a copy the session kept too", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    const options = {
      clientId: `${fixture.deviceId}-kept-silent`,
      username: fixture.deviceId,
      password: fixture.secret,
      clean: false,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    };
    const url = `mqtt://127.0.0.1:${suite.conflux.services.devices.listening.mqttPort}`;
    const silent = await mqtt.connectAsync(url, options);
    await silent.subscribeAsync(`devices/${fixture.deviceId}/commands`, { qos: 1 });
    const first: string[] = [];
    silent.on("message", (_topic, payload) => first.push(payload.toString()));
    // Takes the publish, never sends its PUBACK (mqtt.js sends it when handleMessage calls back).
    silent.handleMessage = () => {};
    const sent = await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, "unlock");
    await expect.poll(() => first).toEqual(["unlock"]);
    await silent.endAsync(true);
    const resumed = await mqtt.connectAsync(url, options);
    clients.push(resumed);
    const again: string[] = [];
    resumed.on("message", (_topic, payload) => again.push(payload.toString()));
    await expect.poll(async () => (await commandOf(fixture, sent.body.commandId)).status).toBe("delivered");
    expect(again).toEqual(["unlock"]);
  });

  it("delivers by the poll a command that no wake-up reached (as when a notification is lost)", async () => {
    const { session, conflux } = suite;
    const fixture = await createDeviceFixture(session);
    const device = await connectDevice(fixture);
    // Straight into the outbox, past the sender that would wake delivery at once.
    const { outbox } = conflux.services.devices.commands as unknown as { outbox: CommandOutbox };
    const { command } = await outbox.forOperator(session.operatorId).enqueue(fixture.deviceId, "quiet");
    await expect.poll(() => device.received).toEqual(["quiet"]);
    await expect.poll(async () => (await commandOf(fixture, command.commandId)).status).toBe("delivered");
  });

  it("expires a command its device did not take in time and never sends it", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    const stale = await session.call(
      "POST",
      `/v1/devices/${fixture.deviceId}/commands?ttlSeconds=1`,
      "stale",
    );
    expect(stale.body.expiresAt - stale.body.createdAt).toBe(1_000);
    await expect
      .poll(async () => (await commandOf(fixture, stale.body.commandId)).status, { timeout: 5_000 })
      .toBe("expired");
    const device = await connectDevice(fixture);
    // Commands go in order: had the stale one gone, it would have arrived first.
    await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, "fresh");
    await expect.poll(() => device.received).toEqual(["fresh"]);
    expect((await commandOf(fixture, stale.body.commandId)).deliveredAt).toBeNull();
  });

  it("refuses a command beyond the pending limit with 429, and sends a repeated Idempotency-Key once", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    const keyed = { "idempotency-key": "door-1" };
    const first = await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, "open", keyed);
    const again = await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, "open", keyed);
    expect(again.body.commandId).toBe(first.body.commandId);
    for (const payload of ["a", "b"])
      expect((await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, payload)).status).toBe(
        202,
      );
    const refused = await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, "c");
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/3 commands waiting/);
    const device = await connectDevice(fixture);
    await expect.poll(() => device.received).toEqual(["open", "a", "b"]);
  });

  it("lets no other operator send, list or read a device's commands", async () => {
    const { session, conflux } = suite;
    const fixture = await createDeviceFixture(session);
    const sent = await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, "mine");
    const other = await signUp(conflux.url);
    const base = `/v1/devices/${fixture.deviceId}/commands`;
    expect((await other.call("POST", base, "open")).status).toBe(404);
    expect((await other.call("GET", base)).status).toBe(404);
    expect((await other.call("GET", `${base}/${sent.body.commandId}`)).status).toBe(404);
    const listed = await session.call("GET", base);
    expect(listed.body.items.map((command: { payload: string }) => command.payload)).toEqual(["mine"]);
  });

  it("records a device-command action's command under the step's key, so the step's result names it", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    const { body: app } = await session.call("POST", "/v1/apps", {
      name: "thermostat",
      channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
      actions: [
        {
          actionId: "cool",
          channelId: "in",
          type: "device-command",
          config: { deviceId: fixture.deviceId, payload: "${payload.level}" },
        },
      ],
    });
    const { body: accepted } = await session.call("POST", `/v1/apps/${app.appId}/channels/in/messages`, {
      level: "max",
    });
    const run = await waitForRun(session, app.appId, accepted.executionId);
    expect(run.steps[0]).toMatchObject({ status: "completed", result: { status: "pending" } });
    const { commandId } = run.steps[0].result;
    const device = await connectDevice(fixture);
    await expect.poll(() => device.received).toEqual(["max"]);
    await expect.poll(async () => (await commandOf(fixture, commandId)).status).toBe("delivered");
  });
});

describe("device commands with an external broker (Mosquitto)", () => {
  it("publishes at once, records the command as published, and publishes a repeated Idempotency-Key once", async () => {
    const external = await startTestConflux({
      devices: externalBroker("conflux-commands"),
    });
    try {
      const session = await signUp(external.url);
      const fixture = await createDeviceFixture(session);
      const device = await mqtt.connectAsync("mqtt://127.0.0.1:1883", {
        clientId: `${fixture.deviceId}-external`,
        reconnectPeriod: 0,
      });
      clients.push(device);
      const received: string[] = [];
      device.on("message", (_topic, payload) => received.push(payload.toString()));
      await device.subscribeAsync(`devices/${fixture.deviceId}/commands`, { qos: 1 });
      const base = `/v1/devices/${fixture.deviceId}/commands`;
      const keyed = { "idempotency-key": "light-1" };
      const first = await session.call("POST", base, "light on", keyed);
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({ status: "published", deliveredAt: expect.any(Number) });
      expect((await session.call("POST", base, "light on", keyed)).body.commandId).toBe(first.body.commandId);
      await session.call("POST", base, "light off");
      // Published in order: a second "light on" would have come before "light off".
      await expect.poll(() => received).toEqual(["light on", "light off"]);
      const other = await signUp(external.url);
      expect((await other.call("POST", base, "light on")).status).toBe(404);
    } finally {
      await external.cleanUp();
    }
  });
});
