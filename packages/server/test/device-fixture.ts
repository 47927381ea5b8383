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
  return body.entries.map((entry: { content: unknown }) => entry.content);
}

export async function runsOf(session: ApiSession, appId: string): Promise<Array<{ runId: string }>> {
  return (await session.call("GET", `/v1/apps/${appId}/runs`)).body;
}
