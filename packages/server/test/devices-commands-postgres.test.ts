import type { MqttClient } from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import { createDeviceFixture, type DeviceFixture, listenForCommands } from "./device-fixture.ts";
import { logIn, signUp } from "./harness.ts";
import { type TwoInstances, useTwoInstancesOnPostgres } from "./two-instances.ts";

// Two Conflux processes on one PostgreSQL database, each with its own embedded broker: a command accepted
// by one reaches a device connected to the other.

// A poll too slow for any wait below: a command accepted by the other instance arrives by its NOTIFY.
const embedded = { mqtt: "embedded" as const, mqttPort: 0, socketEnabled: false, commandPollMs: 60_000 };
const instances = await useTwoInstancesOnPostgres(() => ({ devices: embedded }));
// Registered after the instances' hooks, so the devices disconnect before the instances stop.
const clients: MqttClient[] = [];
afterAll(() => Promise.all(clients.map((client) => client.endAsync(true))));

function connectDevice(instance: TwoInstances["second"], fixture: DeviceFixture) {
  return listenForCommands(instance.services.devices.listening.mqttPort, fixture, clients);
}

describe.skipIf(!instances.reachable)(
  "commands with two instances, each with its own embedded broker",
  () => {
    it("deliver a command accepted by one instance to a device connected to the other, and record it delivered", async () => {
      const email = `commands-${Date.now()}@example.com`;
      const onFirst = await signUp(instances.first.url, email);
      const onSecond = await logIn(instances.second.url, email);
      const fixture = await createDeviceFixture(onFirst);
      const device = await connectDevice(instances.second, fixture);

      const sent = await onFirst.call("POST", `/v1/devices/${fixture.deviceId}/commands`, { fan: "on" });
      expect(sent.status).toBe(202);
      await expect.poll(() => device.received, { timeout: 10_000 }).toEqual(['{"fan":"on"}']);
      const { commandId } = sent.body;
      expect(commandId).toMatch(/^c-/);
      // Read through either instance: the status is in the database.
      await expect
        .poll(
          async () =>
            (await onFirst.call("GET", `/v1/devices/${fixture.deviceId}/commands/${commandId}`)).body,
        )
        .toMatchObject({ commandId, status: "delivered", deliveredAt: expect.any(Number) });
      const listed = await onSecond.call("GET", `/v1/devices/${fixture.deviceId}/commands`);
      expect(listed.body.items.map((command: { status: string }) => command.status)).toEqual(["delivered"]);
    });

    it("keep a command for an offline device and deliver it when the device connects to the other instance", async () => {
      const session = await signUp(instances.second.url);
      const fixture = await createDeviceFixture(session);
      const sent = await session.call("POST", `/v1/devices/${fixture.deviceId}/commands`, "reboot");
      expect(sent.status).toBe(202);
      expect(sent.body.status).toBe("pending");
      const device = await connectDevice(instances.first, fixture);
      await expect.poll(() => device.received, { timeout: 10_000 }).toEqual(["reboot"]);
      await expect
        .poll(
          async () =>
            (await session.call("GET", `/v1/devices/${fixture.deviceId}/commands/${sent.body.commandId}`))
              .body.status,
        )
        .toBe("delivered");
    });
  },
);
