// UDP must not be a reflection amplifier, a webhook that moved must not fail silently, and logging
// out needs the API key that goes with the token.
import { createSocket } from "node:dgram";
import { describe, expect, it } from "vitest";
import { encodeFrame } from "../../src/devices/frame.ts";
import { createDeviceFixture } from "../device-fixture.ts";
import { signUp, useSuite, waitForRun } from "../harness.ts";
import { HttpSink } from "../http-sink.ts";

const suite = useSuite({ devices: { mqttPort: 0, socketPort: 0 } });

/** Every datagram the server sends back within `waitMs` of sending `datagram`. */
async function udpReplies(datagram: Buffer, waitMs = 500): Promise<Buffer[]> {
  const socket = createSocket("udp4");
  const replies: Buffer[] = [];
  socket.on("message", (reply) => replies.push(reply));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  socket.send(datagram, suite.conflux.services.devices.listening.socketPort as number, "127.0.0.1");
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  socket.close();
  return replies;
}

describe("UDP never answers more bytes than it received", () => {
  it("an empty or tiny datagram gets no answer (it got a 50-byte error)", async () => {
    expect(await udpReplies(Buffer.alloc(0))).toEqual([]);
    expect(await udpReplies(Buffer.from([9]))).toEqual([]);
    expect(await udpReplies(Buffer.from([9, 0, 1, 4]))).toEqual([]);
  });

  it("malformed, unauthorized and refused frames get an answer no longer than the datagram", async () => {
    const fixture = await createDeviceFixture(suite.session);
    const datagrams = [
      Buffer.from([9, 0, 1, 4, 0, 0, 0, 0]),
      Buffer.from([1, 0, 1, 0, 0, 0, 0, 0, 0, 0]),
      encodeFrame({ deviceId: "no-such-device", secret: "s", payload: Buffer.from("{}") }),
      encodeFrame({ ...fixture, payload: Buffer.from("{oops") }),
      encodeFrame({ ...fixture, payload: Buffer.alloc(0) }),
    ];
    for (const datagram of datagrams) {
      const replies = await udpReplies(datagram);
      for (const reply of replies) expect(reply.length).toBeLessThanOrEqual(datagram.length);
    }
  });
});

describe("a webhook answering with a redirect", () => {
  const appWith = async (url: string, acceptRedirects?: boolean) => {
    const { body } = await suite.session.call("POST", "/v1/apps", {
      name: "moved",
      channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
      actions: [
        {
          actionId: "hook",
          channelId: "in",
          type: "webhook",
          config: { url, ...(acceptRedirects === undefined ? {} : { acceptRedirects }) },
        },
      ],
    });
    return body.appId as string;
  };

  it("fails the step with webhook_redirect and the Location, not retried", async () => {
    suite.sink.reply = () => ({ status: 301, headers: { location: "https://example.com/new-home" } });
    const appId = await appWith(`${suite.sinkUrl}/old-home`);
    const sent = await suite.session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { a: 1 });
    const run = await waitForRun(suite.session, appId, sent.body.executionId);
    expect(run.steps[0].status).toBe("failed");
    expect(run.steps[0].error.code).toBe("webhook_redirect");
    expect(run.steps[0].error.message).toContain("https://example.com/new-home");
    expect(run.steps[0].error.message).toContain("301");
  });

  it("is never followed, so a redirect cannot lead the request to another (private) address", async () => {
    const target = new HttpSink();
    const targetUrl = await target.start();
    suite.sink.reply = () => ({ status: 307, headers: { location: `${targetUrl}/metadata` } });
    const appId = await appWith(`${suite.sinkUrl}/public`, true);
    const sent = await suite.session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { a: 1 });
    await waitForRun(suite.session, appId, sent.body.executionId);
    expect(target.received).toEqual([]);
    await target.stop();
  });

  it("succeeds when the action's config accepts redirects", async () => {
    suite.sink.reply = () => ({ status: 302, headers: { location: "/elsewhere" } });
    const appId = await appWith(`${suite.sinkUrl}/old-home`, true);
    const sent = await suite.session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { a: 1 });
    const run = await waitForRun(suite.session, appId, sent.body.executionId);
    expect(run.steps[0].status).toBe("completed");
    expect(run.steps[0].result.status).toBe(302);
  });
});

describe("logging out", () => {
  it("with another operator's API key leaves the token working", async () => {
    const alice = await signUp(suite.conflux.url);
    const mallory = await signUp(suite.conflux.url);
    const answer = await fetch(`${suite.conflux.url}/v1/auth/logout`, {
      method: "POST",
      headers: {
        "x-conflux-api-key": mallory.headers["x-conflux-api-key"] as string,
        "x-conflux-token": alice.headers["x-conflux-token"] as string,
      },
    });
    expect(answer.status).toBeLessThan(500);
    expect((await alice.call("GET", "/v1/apps")).status).toBe(200);
  });

  it("with the token's own API key ends it", async () => {
    const alice = await signUp(suite.conflux.url);
    const answer = await fetch(`${suite.conflux.url}/v1/auth/logout`, {
      method: "POST",
      headers: alice.headers,
    });
    expect(answer.status).toBe(204);
    expect((await alice.call("GET", "/v1/apps")).status).toBe(401);
  });
});
