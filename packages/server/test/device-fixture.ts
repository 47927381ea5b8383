import mqtt, { type MqttClient } from "mqtt";
import type { ApiSession } from "./harness.ts";

export interface DeviceFixture {
  appId: string;
  groupId: string;
  deviceId: string;
  secret: string;
}

/** An app whose `sensors` channel has a device source, a group bound to it that keeps data, and one device. */
export async function createDeviceFixture(
  session: ApiSession,
  groupConfig: { keepData?: boolean; binaryParser?: string | null } = {},
): Promise<DeviceFixture> {
  const { body: app } = await session.call("POST", "/v1/apps", {
    name: "sensors",
    channels: [{ channelId: "sensors", eventSource: { type: "device", config: {} } }],
    actions: [{ actionId: "copy", channelId: "sensors", type: "republish", config: {} }],
  });
  const { body: group, status } = await session.call("POST", "/v1/device_groups", {
    name: "fridges",
    config: {
      binding: { appId: app.appId, channelId: "sensors" },
      keepData: groupConfig.keepData ?? true,
      binaryParser: groupConfig.binaryParser ?? null,
    },
  });
  if (status !== 201) throw new Error(`group: ${status} ${JSON.stringify(group)}`);
  const { body: device } = await session.call("POST", "/v1/devices", {
    name: "fridge 1",
    groupId: group.groupId,
  });
  return { appId: app.appId, groupId: group.groupId, deviceId: device.deviceId, secret: device.secret };
}

/** The device's data store entries, oldest first. */
export async function dataOf(session: ApiSession, deviceId: string): Promise<unknown[]> {
  const { body } = await session.call("GET", `/v1/data/${deviceId}?order=asc&limit=1000`);
  return body.items.map((entry: { content: unknown }) => entry.content);
}

export async function runsOf(session: ApiSession, appId: string): Promise<Array<{ runId: string }>> {
  return (await session.call("GET", `/v1/apps/${appId}/runs`)).body.items;
}

/**
 * Device settings that read from Mosquitto on 127.0.0.1:1883 under a client id of this process. The
 * session ends with the test: a lingering one would take its share of later runs' messages.
 */
export function externalBroker(clientIdPrefix: string) {
  return {
    mqtt: "external" as const,
    mqttUrl: "mqtt://127.0.0.1:1883",
    mqttClientId: `${clientIdPrefix}-${process.pid}`,
    mqttSessionExpirySeconds: 0,
    socketEnabled: false,
  };
}

/**
 * The device connected to the embedded broker on `port` and subscribed to its commands, with what it
 * receives; `clients` collects it, for the suite to end.
 */
export async function listenForCommands(
  port: number | undefined,
  fixture: DeviceFixture,
  clients: MqttClient[],
  qos: 0 | 1 = 1,
): Promise<{ client: MqttClient; received: string[] }> {
  if (port === undefined) throw new Error("the embedded MQTT broker is not listening");
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
    clientId: `${fixture.deviceId}-${clients.length}`,
    username: fixture.deviceId,
    password: fixture.secret,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  });
  clients.push(client);
  const received: string[] = [];
  client.on("message", (_topic, payload) => received.push(payload.toString()));
  await client.subscribeAsync(`devices/${fixture.deviceId}/commands`, { qos });
  return { client, received };
}
