// Hostile input: one message must not freeze the server for every tenant (a backtracking expression,
// an expression that does too much work), and deeply nested JSON is refused with 400 on every ingest
// path instead of overflowing the stack later (it answered 500 from planDelivery).
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import mqtt from "mqtt";
import { describe, expect, it } from "vitest";
import { decodeReply, encodeFrame, frameStatus } from "../../src/devices/frame.ts";
import { createDeviceFixture, dataOf } from "../device-fixture.ts";
import { useSuite, waitForRun } from "../harness.ts";

const maxJsonDepth = 32;
const suite = useSuite({
  devices: { mqttPort: 0, socketPort: 0 },
  limits: { maxJsonDepth },
});

/** 16,000 levels in 32 KB: under the size limit, far over any depth limit. */
const deepJson = `${"[".repeat(16_000)}${"]".repeat(16_000)}`;
/** Nested objects one level over the limit. */
const overLimit = `${'{"a":'.repeat(maxJsonDepth + 1)}1${"}".repeat(maxJsonDepth + 1)}`;
const atLimit = `${'{"a":'.repeat(maxJsonDepth)}1${"}".repeat(maxJsonDepth)}`;

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as any };
}

async function apiApp(actions: unknown[] = []) {
  const { body } = await suite.session.call("POST", "/v1/apps", {
    name: "hostile",
    channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
    actions,
  });
  return body.appId as string;
}

/** Longest time /healthz took to answer while `work` ran, polling it without pause. */
async function healthzLatencyDuring(work: Promise<unknown>): Promise<number> {
  let done = false;
  let longest = 0;
  const polling = (async () => {
    while (!done) {
      const started = performance.now();
      const response = await fetch(`${suite.conflux.url}/healthz`);
      expect(response.status).toBe(200);
      longest = Math.max(longest, performance.now() - started);
    }
  })();
  await work.finally(() => {
    done = true;
  });
  await polling;
  return longest;
}

describe("one message cannot freeze the server", () => {
  it("while a ReDoS-style template runs, /healthz still answers quickly", async () => {
    // Before: formatDate's pattern regex backtracked on a pattern of many '[' built by replace in the
    // template, and the whole server froze for 19 s on a smaller string than this.
    const appId = await apiApp([
      {
        actionId: "format",
        channelId: "in",
        type: "republish",
        config: {
          transform: {
            contentType: "text/plain",
            content: "${len(formatDate(0, replace(payload.s, 'a', '[[[[[[[[')))}",
          },
        },
      },
    ]);
    const { session } = suite;
    const sent = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, {
      s: "a".repeat(30_000),
    });
    expect(sent.status).toBe(202);
    const longest = await healthzLatencyDuring(waitForRun(session, appId, sent.body.executionId, 60_000));
    // Generous for a shared machine; the frozen server took seconds.
    expect(longest).toBeLessThan(1_000);
  });

  it("an expression that does too much work fails its step with expression_limit", async () => {
    const part = "${len(replace(payload.s, 'a', 'aaaaaaaa'))}";
    const appId = await apiApp([
      {
        actionId: "heavy",
        channelId: "in",
        type: "republish",
        config: {
          transform: {
            contentType: "text/plain",
            content: Array.from({ length: 400 }, () => part).join(","),
          },
        },
      },
    ]);
    const { session } = suite;
    const sent = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, {
      s: "a".repeat(30_000),
    });
    const run = await waitForRun(session, appId, sent.body.executionId, 60_000);
    expect(run.steps[0].status).toBe("failed");
    expect(run.steps[0].error.code).toBe("expression_limit");
    expect(run.steps[0].error.message).toMatch(/budget/);
  });
});

describe("deeply nested JSON is refused on every ingest path", () => {
  it("a channel message: 400 naming the limit, not 500", async () => {
    const appId = await apiApp();
    const url = `${suite.conflux.url}/v1/apps/${appId}/channels/in/messages`;
    for (const body of [deepJson, overLimit]) {
      const answer = await post(url, body, suite.session.headers);
      expect(answer.status).toBe(400);
      expect(answer.body.message).toMatch(new RegExp(`nested deeper than ${maxJsonDepth} levels`));
    }
    expect((await post(url, atLimit, suite.session.headers)).status).toBe(202);
  });

  it("an incoming webhook, without credentials: 400, not 500", async () => {
    const appId = await apiApp();
    const { body: webhook } = await suite.session.call(
      "POST",
      `/v1/apps/${appId}/channels/in/incoming_webhooks`,
      {},
    );
    const answer = await post(webhook.url, deepJson);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/nested deeper than/);
  });

  it("app import, as JSON and as YAML: 400", async () => {
    const deepApp = `{"name":"deep","channels":[],"actions":[],"extra":${deepJson}}`;
    const url = `${suite.conflux.url}/v1/apps/import`;
    const json = await post(url, deepJson, suite.session.headers);
    expect(json.status).toBe(400);
    expect(json.body.message).toMatch(/nested deeper than/);
    const yaml = await post(url, deepApp, {
      ...suite.session.headers,
      "content-type": "application/yaml",
    });
    expect(yaml.status).toBe(400);
    expect(yaml.body.message).toMatch(/nested deeper than/);
  });

  it("a device over HTTP: 400 naming the limit", async () => {
    const fixture = await createDeviceFixture(suite.session);
    const answer = await post(`${suite.conflux.url}/v1/devices/${fixture.deviceId}/data`, deepJson, {
      authorization: `Bearer ${fixture.secret}`,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(new RegExp(`nested deeper than ${maxJsonDepth} levels`));
    expect(await dataOf(suite.session, fixture.deviceId)).toEqual([]);
  });

  it("a device over UDP and TCP: refused as malformed, nothing stored", async () => {
    const fixture = await createDeviceFixture(suite.session);
    // A frame's payload is at most 64 KiB; the depth still far exceeds the limit.
    const frame = encodeFrame({ ...fixture, sequence: 3, payload: Buffer.from(overLimit) });
    const port = suite.conflux.services.devices.listening.socketPort as number;
    const socket = createSocket("udp4");
    const reply = new Promise<Buffer>((resolve) => socket.once("message", resolve));
    socket.send(frame, port, "127.0.0.1");
    expect(decodeReply(await reply)).toMatchObject({ sequence: 3, status: frameStatus.malformed });
    socket.close();

    const tcp = connect(port, "127.0.0.1");
    const tcpReply = new Promise<Buffer>((resolve) => tcp.once("data", resolve));
    tcp.write(frame);
    const decoded = decodeReply(await tcpReply);
    tcp.destroy();
    expect(decoded).toMatchObject({ sequence: 3, status: frameStatus.malformed });
    expect(decoded?.message).toMatch(/nested deeper than/);
    expect(await dataOf(suite.session, fixture.deviceId)).toEqual([]);
  });

  it("a device over MQTT: the publish is refused (the connection closes), nothing stored", async () => {
    const fixture = await createDeviceFixture(suite.session);
    const client = await mqtt.connectAsync(
      `mqtt://127.0.0.1:${suite.conflux.services.devices.listening.mqttPort}`,
      {
        clientId: `${fixture.deviceId}-deep`,
        username: fixture.deviceId,
        password: fixture.secret,
        reconnectPeriod: 0,
      },
    );
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    client.publish(`devices/${fixture.deviceId}/data`, overLimit, { qos: 1 });
    await closed;
    await client.endAsync(true);
    expect(await dataOf(suite.session, fixture.deviceId)).toEqual([]);
  });
});
