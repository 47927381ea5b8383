import { describe, expect, it } from "vitest";
import { createDeviceFixture, dataOf, runsOf } from "./device-fixture.ts";
import { signUp, useSuite, waitForRun } from "./harness.ts";

const suite = useSuite({ devices: { mqttPort: 0, socketPort: 0, maxPayloadBytes: 1_024 } });

async function send(
  deviceId: string,
  secret: string,
  body: string | Buffer,
  contentType = "application/json",
) {
  const response = await fetch(`${suite.conflux.url}/v1/devices/${deviceId}/data`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": contentType, "x-sensor-model": "T-1000" },
    body,
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe("the device registry", () => {
  it("shows a device's secret once, keeps groups and tags, and deletes a device with its data", async () => {
    const { session } = suite;
    const { body: group } = await session.call("POST", "/v1/device_groups", { name: "plain" });
    expect(group.config).toEqual({ binding: null, keepData: false, binaryParser: null });
    const created = await session.call("POST", "/v1/devices", {
      name: "gate",
      groupId: group.groupId,
      tags: { site: "north" },
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^[\w-]{32}$/);
    const read = await session.call("GET", `/v1/devices/${created.body.deviceId}`);
    expect(read.body).toMatchObject({ name: "gate", groupId: group.groupId, tags: { site: "north" } });
    expect(read.body.secret).toBeUndefined();
    expect(JSON.stringify((await session.call("GET", "/v1/devices")).body)).not.toContain(
      created.body.secret,
    );

    const rotated = await session.call("POST", `/v1/devices/${created.body.deviceId}/secret`);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    const moved = await session.call("PUT", `/v1/devices/${created.body.deviceId}`, {
      name: "gate 2",
      groupId: null,
    });
    expect(moved.body).toMatchObject({ name: "gate 2", groupId: null, tags: {} });
    expect((await session.call("DELETE", `/v1/devices/${created.body.deviceId}`)).status).toBe(204);
    expect((await session.call("GET", `/v1/devices/${created.body.deviceId}`)).status).toBe(404);
  });

  it("refuses a binding to a channel without a device source, a bad binary parser and an unknown group", async () => {
    const { session } = suite;
    const { body: app } = await session.call("POST", "/v1/apps", {
      name: "api only",
      channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
    });
    const notDevice = await session.call("POST", "/v1/device_groups", {
      name: "g",
      config: { binding: { appId: app.appId, channelId: "in" } },
    });
    expect(notDevice.status).toBe(400);
    expect(notDevice.body.message).toMatch(/no 'device' event source/);
    const badParser = await session.call("POST", "/v1/device_groups", {
      name: "g",
      config: { binaryParser: "t:0:int24" },
    });
    expect(badParser.status).toBe(400);
    expect(badParser.body.message).toMatch(/unknown type 'int24'/);
    const noGroup = await session.call("POST", "/v1/devices", { groupId: "g-nothing" });
    expect(noGroup.status).toBe(400);
  });
});

describe("HTTP ingest", () => {
  it("answers 202 once the message is in the data store and has started a run with the device context", async () => {
    const { session, conflux } = suite;
    const fixture = await createDeviceFixture(session);
    const sent = await send(fixture.deviceId, fixture.secret, JSON.stringify({ temp: 4.5 }));
    expect(sent.status).toBe(202);
    expect(sent.body.stored).toBe(true);
    expect(await dataOf(session, fixture.deviceId)).toEqual([{ temp: 4.5 }]);

    const run = await waitForRun(session, fixture.appId, sent.body.executionId);
    expect(run.status).toBe("completed");
    const [message] = run.messages;
    expect(message.payload).toEqual({ temp: 4.5 });
    const port = Number(new URL(conflux.url).port);
    expect(message.context).toMatchObject({
      eventType: "device",
      request: {
        protocol: "http",
        httpMethod: "POST",
        httpPath: `/v1/devices/${fixture.deviceId}/data`,
        port,
      },
      resource: { resourceId: fixture.deviceId, resourceType: "Device", deviceId: fixture.deviceId },
      group: { groupId: fixture.groupId },
    });
    expect(message.context.request.httpHeaders["x-sensor-model"]).toBe("T-1000");
    // The device's secret is its password: never in an app's context or history.
    expect(JSON.stringify(run)).not.toContain(fixture.secret);
  });

  it("counts accepted messages and the last one's time for the device list, not refused ones", async () => {
    const { session, conflux } = suite;
    const fixture = await createDeviceFixture(session, { keepData: false });
    const before = Date.now();
    for (const temp of [1, 2])
      expect((await send(fixture.deviceId, fixture.secret, `{"temp":${temp}}`)).status).toBe(202);
    expect((await send(fixture.deviceId, fixture.secret, "not json")).status).toBe(400);
    await conflux.services.devices.activity.flush();
    const listed = (await session.call("GET", "/v1/devices")).body as Array<Record<string, unknown>>;
    const row = listed.find((device) => device.deviceId === fixture.deviceId);
    expect(row?.messageCount).toBe(2);
    expect(row?.lastSeenAt).toBeGreaterThanOrEqual(before);
    expect((await session.call("GET", `/v1/devices/${fixture.deviceId}`)).body.messageCount).toBe(2);
  });

  it("tells the studio where the MQTT broker and the UDP/TCP listeners are", async () => {
    const { session, conflux } = suite;
    const { body } = await session.call("GET", "/v1/device_listeners");
    const { mqttPort, socketPort } = conflux.services.devices.listening;
    expect(mqttPort).toBeGreaterThan(0);
    expect(body).toEqual({ mqtt: { mode: "embedded", port: mqttPort }, socketPort });
  });

  it("refuses a wrong secret, an unknown device, malformed and oversized payloads, storing nothing", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    const wrong = await send(fixture.deviceId, "not-the-secret", "{}");
    expect(wrong.status).toBe(401);
    expect((await send("d-unknown", fixture.secret, "{}")).status).toBe(401);
    const malformed = await send(fixture.deviceId, fixture.secret, "{temp: 4");
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/not JSON/);
    const big = await send(fixture.deviceId, fixture.secret, JSON.stringify({ pad: "x".repeat(2_000) }));
    expect(big.status).toBe(413);
    expect((await send(fixture.deviceId, fixture.secret, "")).status).toBe(400);
    expect(await dataOf(session, fixture.deviceId)).toEqual([]);
    expect(await runsOf(session, fixture.appId)).toEqual([]);
  });

  it("decodes a binary payload with the group's parser", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session, { binaryParser: "temp:0:int16:/100 hum:2:uint8" });
    const sent = await send(
      fixture.deviceId,
      fixture.secret,
      Buffer.from([0x08, 0x66, 40]),
      "application/octet-stream",
    );
    expect(sent.status).toBe(202);
    expect(await dataOf(session, fixture.deviceId)).toEqual([{ temp: 21.5, hum: 40 }]);
    const short = await send(fixture.deviceId, fixture.secret, Buffer.from([1]), "application/octet-stream");
    expect(short.status).toBe(400);
    expect(short.body.message).toMatch(/field 'temp' needs bytes 0–1/);
  });

  it("keeps no data when the group does not, and starts no run when the device source is disabled", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session, { keepData: false });
    const { body: app } = await session.call("GET", `/v1/apps/${fixture.appId}`);
    app.channels[0].eventSource.enabled = false;
    await session.call("PUT", `/v1/apps/${fixture.appId}`, app);
    const sent = await send(fixture.deviceId, fixture.secret, "{}");
    expect(sent.body).toEqual({ stored: false, duplicate: false });
    expect(await dataOf(session, fixture.deviceId)).toEqual([]);
    expect(await runsOf(session, fixture.appId)).toEqual([]);
  });
});

describe("the data store API", () => {
  it("reads by time range, newest or oldest first, a page at a time", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    for (let i = 0; i < 5; i++) await send(fixture.deviceId, fixture.secret, JSON.stringify({ i }));
    const newest = await session.call("GET", `/v1/data/${fixture.deviceId}?limit=2`);
    expect(newest.body.items.map((entry: any) => entry.content.i)).toEqual([4, 3]);
    const next = await session.call(
      "GET",
      `/v1/data/${fixture.deviceId}?limit=2&cursor=${newest.body.nextCursor}`,
    );
    expect(next.body.items.map((entry: any) => entry.content.i)).toEqual([2, 1]);
    const all = await session.call("GET", `/v1/data/${fixture.deviceId}?order=asc`);
    const times = all.body.items.map((entry: any) => entry.time);
    const ranged = await session.call(
      "GET",
      `/v1/data/${fixture.deviceId}?order=asc&from=${times[1]}&to=${times[3]}`,
    );
    expect(ranged.body.items.every((entry: any) => entry.time >= times[1] && entry.time <= times[3])).toBe(
      true,
    );
    expect(ranged.body.items.length).toBeGreaterThanOrEqual(3);
    expect((await session.call("GET", `/v1/data/${fixture.deviceId}?limit=5000`)).status).toBe(400);
  });
});

describe("another operator", () => {
  it("gets 404 for a device, its data, its commands and its group, and cannot bind to another's app", async () => {
    const { session, conflux } = suite;
    const fixture = await createDeviceFixture(session);
    await send(fixture.deviceId, fixture.secret, JSON.stringify({ secret: "reading" }));
    const other = await signUp(conflux.url);
    for (const [method, url, body] of [
      ["GET", `/v1/devices/${fixture.deviceId}`],
      ["PUT", `/v1/devices/${fixture.deviceId}`, { name: "mine" }],
      ["DELETE", `/v1/devices/${fixture.deviceId}`],
      ["POST", `/v1/devices/${fixture.deviceId}/secret`],
      ["POST", `/v1/devices/${fixture.deviceId}/commands`, { open: true }],
      ["GET", `/v1/data/${fixture.deviceId}`],
      ["GET", `/v1/device_groups/${fixture.groupId}`],
      ["DELETE", `/v1/device_groups/${fixture.groupId}`],
    ] as const) {
      expect((await other.call(method, url, body)).status, `${method} ${url}`).toBe(404);
    }
    expect((await other.call("GET", "/v1/devices")).body).toEqual([]);
    const stolen = await other.call("POST", "/v1/device_groups", {
      name: "g",
      config: { binding: { appId: fixture.appId, channelId: "sensors" } },
    });
    expect(stolen.status).toBe(400);
    const moved = await other.call("POST", "/v1/devices", { groupId: fixture.groupId });
    expect(moved.status).toBe(400);
    expect(await dataOf(session, fixture.deviceId)).toEqual([{ secret: "reading" }]);
  });
});

describe("the data-store action", () => {
  it("writes the device message, or a rendered value, under the sending device or a named one", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session, { keepData: false });
    const { body: target } = await session.call("POST", "/v1/devices", { name: "summary" });
    const { body: app } = await session.call("GET", `/v1/apps/${fixture.appId}`);
    app.actions = [
      { actionId: "keep", channelId: "sensors", type: "data-store", config: {} },
      {
        actionId: "summarise",
        channelId: "sensors",
        type: "data-store",
        condition: "payload.temp > 8",
        config: {
          deviceId: target.deviceId,
          value: '{"warm": ${payload.temp}, "from": "${event.context.resource.deviceId}"}',
        },
      },
    ];
    expect((await session.call("PUT", `/v1/apps/${fixture.appId}`, app)).status).toBe(200);
    const sent = await send(fixture.deviceId, fixture.secret, JSON.stringify({ temp: 9 }));
    const run = await waitForRun(session, fixture.appId, sent.body.executionId);
    expect(run.steps.map((step: any) => [step.actionId, step.status]).sort()).toEqual([
      ["keep", "completed"],
      ["summarise", "completed"],
    ]);
    expect(run.steps[0].result).toEqual({ stored: true, time: expect.any(Number) });
    expect(await dataOf(session, fixture.deviceId)).toEqual([{ temp: 9 }]);
    expect(await dataOf(session, target.deviceId)).toEqual([{ warm: 9, from: fixture.deviceId }]);
  });

  it("refuses an entry or a command over the size limits, storing and sending nothing", async () => {
    const { session, conflux } = suite;
    const fixture = await createDeviceFixture(session, { keepData: false });
    const { body: app } = await session.call("POST", "/v1/apps", {
      name: "amplifier",
      channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
      actions: [
        {
          actionId: "twice",
          channelId: "in",
          type: "data-store",
          config: { deviceId: fixture.deviceId, value: '["${payload.s}", "${payload.s}"]' },
        },
      ],
    });
    // A 20,000-character message fits the 32,768-byte limit; the entry the template makes of it does not.
    const { body } = await session.call("POST", `/v1/apps/${app.appId}/channels/in/messages`, {
      s: "x".repeat(20_000),
    });
    const run = await waitForRun(session, app.appId, body.executionId);
    expect(run.steps[0]).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { code: "payload_too_large", message: expect.stringContaining("the limit is 32768") },
    });
    expect(await dataOf(session, fixture.deviceId)).toEqual([]);

    const command = await fetch(`${conflux.url}/v1/devices/${fixture.deviceId}/commands`, {
      method: "POST",
      headers: { ...session.headers, "content-type": "application/json" },
      body: JSON.stringify({ blob: "y".repeat(2_000) }),
    });
    expect(command.status).toBe(413);
    expect(((await command.json()) as any).message).toMatch(/the limit is 1024/);
  });

  it("fails with device_not_found for a device of another operator, writing nothing there", async () => {
    const { session, conflux } = suite;
    const victim = await createDeviceFixture(session, { keepData: false });
    const other = await signUp(conflux.url);
    const { body: app } = await other.call("POST", "/v1/apps", {
      name: "writer",
      channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
      actions: [
        { actionId: "w", channelId: "in", type: "data-store", config: { deviceId: victim.deviceId } },
      ],
    });
    const { body } = await other.call("POST", `/v1/apps/${app.appId}/channels/in/messages`, { forged: 1 });
    const run = await waitForRun(other, app.appId, body.executionId);
    expect(run.steps[0]).toMatchObject({ status: "failed", error: { code: "device_not_found" } });
    expect(await dataOf(session, victim.deviceId)).toEqual([]);
  });
});
