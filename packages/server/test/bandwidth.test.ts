import { createSocket } from "node:dgram";
import { connect } from "node:net";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeReply, encodeFrame, frameStatus } from "../src/devices/frame.ts";
import { createDeviceFixture, type DeviceFixture, dataOf, runsOf } from "./device-fixture.ts";
import { type ApiSession, signUp, startTestConflux, waitForRun } from "./harness.ts";
import { providerSession } from "./provider-session.ts";

// A device may send 10 bytes a second and an operator 1 000: a message of ~50 bytes empties a device's
// bucket (its burst is 10 bytes: the message passes a full bucket and leaves it ~40 bytes in debt), so the
// next one waits seconds whatever the machine's speed.
const perDevice = 10;
const perOperator = 1_000;
const deviceMessage = JSON.stringify({ temp: 4.5, pad: "x".repeat(30) });

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
const clients: MqttClient[] = [];

beforeAll(async () => {
  conflux = await startTestConflux({ devices: { mqttPort: 0, socketPort: 0 } });
  const provider = await providerSession(conflux);
  const { body: settings } = await provider.call("GET", "/v1/provider/settings");
  const saved = await provider.call("PUT", "/v1/provider/settings", {
    ...settings,
    rateLimits: { ingestBytesPerSecondPerDevice: perDevice, ingestBytesPerSecondPerOperator: perOperator },
  });
  expect(saved.status).toBe(200);
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.endAsync(true)));
  await conflux?.cleanUp();
});

/** A fresh operator (a full operator bucket of its own) with a device bound to an app. */
async function deviceOfNewOperator(): Promise<{ session: ApiSession; fixture: DeviceFixture }> {
  const session = await signUp(conflux.url);
  return { session, fixture: await createDeviceFixture(session) };
}

function sendDeviceHttp(fixture: DeviceFixture, body: string) {
  return fetch(`${conflux.url}/v1/devices/${fixture.deviceId}/data`, {
    method: "POST",
    headers: { authorization: `Bearer ${fixture.secret}`, "content-type": "application/json" },
    body,
  });
}

/** The runs of an app, each waited for until it finished. */
async function finishedRuns(session: ApiSession, appId: string) {
  const runs = await runsOf(session, appId);
  return Promise.all(runs.map((run) => waitForRun(session, appId, run.runId)));
}

async function expectRefusedWithRetryAfter(answer: Response, maxSeconds: number) {
  expect(answer.status).toBe(429);
  expect(await answer.json()).toMatchObject({
    code: "rate_limited",
    message: expect.stringMatching(/send again in \d+ s$/),
  });
  const retryAfter = Number(answer.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
}

describe("bandwidth control over HTTP", () => {
  it("a device over its rate gets 429 rate_limited with Retry-After, and its refused message is not stored", async () => {
    const { session, fixture } = await deviceOfNewOperator();
    expect((await sendDeviceHttp(fixture, deviceMessage)).status).toBe(202);
    // 51 bytes leave 41 of debt: with the 10 bytes needed, 5.1 s at 10 bytes a second, so at most 6.
    await expectRefusedWithRetryAfter(await sendDeviceHttp(fixture, deviceMessage), 6);
    expect(await dataOf(session, fixture.deviceId)).toEqual([JSON.parse(deviceMessage)]);
    expect(await runsOf(session, fixture.appId)).toHaveLength(1);
    // Another device of the operator has a bucket of its own.
    const other = await createDeviceFixture(session);
    expect((await sendDeviceHttp(other, deviceMessage)).status).toBe(202);
  });

  it("limits a device whose data only goes to the data store (no run) too", async () => {
    const session = await signUp(conflux.url);
    const { body: group } = await session.call("POST", "/v1/device_groups", {
      name: "loggers",
      config: { keepData: true },
    });
    const { body: device } = await session.call("POST", "/v1/devices", {
      name: "logger",
      groupId: group.groupId,
    });
    const fixture = { appId: "", groupId: group.groupId, deviceId: device.deviceId, secret: device.secret };
    expect((await sendDeviceHttp(fixture, deviceMessage)).status).toBe(202);
    await expectRefusedWithRetryAfter(await sendDeviceHttp(fixture, deviceMessage), 6);
    expect(await dataOf(session, fixture.deviceId)).toHaveLength(1);
  });

  it("the api source and incoming webhooks share the operator's rate; every message accepted runs", async () => {
    const session = await signUp(conflux.url);
    const { body: app } = await session.call("POST", "/v1/apps", {
      name: "ingest",
      channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
      actions: [{ actionId: "copy", channelId: "in", type: "republish", config: {} }],
    });
    const { body: webhook } = await session.call(
      "POST",
      `/v1/apps/${app.appId}/channels/in/incoming_webhooks`,
      {
        name: "partner",
      },
    );
    const statuses: number[] = [];
    // 200-byte messages against a 1 000-byte burst: a handful pass, then the operator is refused.
    for (let n = 0; n < 30; n++) {
      const answer = await session.call("POST", `/v1/apps/${app.appId}/channels/in/messages`, {
        n,
        pad: "x".repeat(180),
      });
      statuses.push(answer.status);
      if (answer.status === 429) break;
    }
    expect(statuses.filter((status) => status === 202).length).toBeGreaterThanOrEqual(4);
    expect(statuses.at(-1)).toBe(429);
    const refused = await fetch(webhook.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pad: "x".repeat(900) }),
    });
    await expectRefusedWithRetryAfter(refused, 2);
    // Nothing accepted is dropped: each 202 is a run that finished.
    const runs = await finishedRuns(session, app.appId);
    expect(runs).toHaveLength(statuses.filter((status) => status === 202).length);
    expect(runs.every((run) => run.status === "completed")).toBe(true);
  });
});

describe("bandwidth control over the embedded MQTT broker (MQTT 3.1.1)", () => {
  async function connectDevice(fixture: DeviceFixture, protocolVersion: 4 | 5 = 4) {
    const client = await mqtt.connectAsync(
      `mqtt://127.0.0.1:${conflux.services.devices.listening.mqttPort}`,
      {
        clientId: `${fixture.deviceId}-${clients.length}`,
        username: fixture.deviceId,
        password: fixture.secret,
        protocolVersion,
        reconnectPeriod: 0,
        connectTimeout: 5_000,
      },
    );
    clients.push(client);
    return client;
  }

  it("holds the PUBACK of a message over the rate until the bucket has room, then stores it", async () => {
    const { session, fixture } = await deviceOfNewOperator();
    const client = await connectDevice(fixture);
    const topic = `devices/${fixture.deviceId}/data`;
    await client.publishAsync(topic, deviceMessage, { qos: 1 });
    const sentAt = Date.now();
    await client.publishAsync(topic, deviceMessage, { qos: 1 });
    // The bucket's debt takes at least 4 s to pay at 10 bytes a second: the PUBACK waited for it.
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(3_000);
    expect(await dataOf(session, fixture.deviceId)).toHaveLength(2);
    expect(await finishedRuns(session, fixture.appId)).toHaveLength(2);
  }, 30_000);

  it("closes the connection when the bucket has no room within the longest hold, storing nothing", async () => {
    const { session, fixture } = await deviceOfNewOperator();
    const client = await connectDevice(fixture);
    const topic = `devices/${fixture.deviceId}/data`;
    // 200 bytes leave 190 bytes of debt: 20 s before the next message fits, past the 10 s hold.
    await client.publishAsync(topic, JSON.stringify({ pad: "x".repeat(190) }), { qos: 1 });
    const gone = new Promise<void>((resolve) => client.once("close", () => resolve()));
    void client.publishAsync(topic, deviceMessage, { qos: 1 }).catch(() => {});
    await gone;
    expect(await dataOf(session, fixture.deviceId)).toHaveLength(1);
    expect(await finishedRuns(session, fixture.appId)).toHaveLength(1);
  }, 30_000);

  it("refuses an MQTT 5 connection: the embedded broker (aedes) speaks 3.1.1 only, so no PUBACK reason code", async () => {
    const { fixture } = await deviceOfNewOperator();
    await expect(connectDevice(fixture, 5)).rejects.toThrow();
  });
});

describe("bandwidth control over UDP and TCP", () => {
  const port = () => conflux.services.devices.listening.socketPort as number;
  const frameOf = (fixture: DeviceFixture, sequence: number) =>
    encodeFrame({
      sequence,
      deviceId: fixture.deviceId,
      secret: fixture.secret,
      payload: Buffer.from(deviceMessage),
    });

  it("answers a UDP frame over the rate with status 5 (try later), storing nothing", async () => {
    const { session, fixture } = await deviceOfNewOperator();
    const socket = createSocket("udp4");
    try {
      const send = async (sequence: number) => {
        const reply = new Promise<Buffer>((resolve) => socket.once("message", resolve));
        socket.send(frameOf(fixture, sequence), port(), "127.0.0.1");
        return decodeReply(await reply);
      };
      expect(await send(1)).toMatchObject({ sequence: 1, status: frameStatus.ok });
      expect(await send(2)).toMatchObject({
        sequence: 2,
        status: frameStatus.tryLater,
        message: expect.stringMatching(
          /^device .* sends more than 10 bytes a second; send again in [1-6] s$/,
        ),
      });
    } finally {
      socket.close();
    }
    expect(await dataOf(session, fixture.deviceId)).toHaveLength(1);
  });

  it("answers a TCP frame over the rate with status 5 and keeps the connection", async () => {
    const { session, fixture } = await deviceOfNewOperator();
    const socket = connect(port(), "127.0.0.1");
    let buffered = Buffer.alloc(0);
    const replies: Array<{ sequence: number; status: number }> = [];
    let hungUp = false;
    socket.on("end", () => {
      hungUp = true;
    });
    const answered = new Promise<void>((resolve, reject) => {
      socket.on("error", reject);
      socket.on("data", (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        for (let reply = decodeReply(buffered); reply; reply = decodeReply(buffered)) {
          replies.push(reply);
          buffered = buffered.subarray(reply.bytes);
        }
        if (replies.length >= 2) resolve();
      });
    });
    socket.write(Buffer.concat([frameOf(fixture, 1), frameOf(fixture, 2)]));
    await answered;
    expect(replies.map(({ sequence, status }) => ({ sequence, status }))).toEqual([
      { sequence: 1, status: frameStatus.ok },
      { sequence: 2, status: frameStatus.tryLater },
    ]);
    expect(hungUp).toBe(false);
    socket.destroy();
    expect(await dataOf(session, fixture.deviceId)).toHaveLength(1);
  });
});
