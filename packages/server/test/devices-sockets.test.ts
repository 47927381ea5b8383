import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { decodeReply, encodeFrame, frameStatus } from "../src/devices/frame.ts";
import { createDeviceFixture, dataOf, runsOf } from "./device-fixture.ts";
import { useSuite, waitForRun } from "./harness.ts";

const suite = useSuite({ devices: { mqttPort: 0, socketPort: 0, maxPayloadBytes: 1_024 } });
const port = () => suite.conflux.services.devices.listening.socketPort as number;

/** One datagram out, one reply back. */
async function sendUdp(datagram: Buffer): Promise<{ sequence: number; status: number; message: string }> {
  const socket = createSocket("udp4");
  try {
    const reply = new Promise<Buffer>((resolve) => socket.once("message", resolve));
    socket.send(datagram, port(), "127.0.0.1");
    const decoded = decodeReply(await reply);
    if (!decoded) throw new Error("short reply");
    return decoded;
  } finally {
    socket.close();
  }
}

/** Frames written back to back on one connection; resolves with every reply and whether the server hung up. */
async function sendTcp(bytes: Buffer, replies: number, { untilHangUp = false } = {}) {
  const socket = connect(port(), "127.0.0.1");
  let buffered = Buffer.alloc(0);
  const decoded: Array<{ sequence: number; status: number; message: string }> = [];
  let hungUp = false;
  await new Promise<void>((resolve, reject) => {
    socket.on("error", reject);
    socket.on("end", () => {
      hungUp = true;
      resolve();
    });
    socket.on("data", (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (let reply = decodeReply(buffered); reply; reply = decodeReply(buffered)) {
        decoded.push(reply);
        buffered = buffered.subarray(reply.bytes);
      }
      if (decoded.length >= replies && !untilHangUp) resolve();
    });
    socket.write(bytes);
  });
  socket.destroy();
  return { replies: decoded, hungUp };
}

describe("the UDP listener", () => {
  it("answers ok once the message is stored, echoing the sequence number, with the UDP context", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    const reply = await sendUdp(
      encodeFrame({
        sequence: 4242,
        deviceId: fixture.deviceId,
        secret: fixture.secret,
        payload: Buffer.from('{"temp":3}'),
      }),
    );
    expect(reply).toMatchObject({ sequence: 4242, status: frameStatus.ok });
    expect(await dataOf(session, fixture.deviceId)).toEqual([{ temp: 3 }]);
    const [run] = await runsOf(session, fixture.appId);
    const detail = await waitForRun(session, fixture.appId, run?.runId as string);
    expect(detail.messages[0].context.request).toEqual({ protocol: "udp", port: port() });
  });

  it("stores a version 2 frame sent again with its message key once, over UDP and TCP", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    // Built by hand, as firmware would: version 2, sequence 7, id, secret, key "m-1", payload.
    const id = Buffer.from(fixture.deviceId);
    const secret = Buffer.from(fixture.secret);
    const key = Buffer.from("m-1");
    const payload = Buffer.from('{"temp":5}');
    const frame = Buffer.concat([
      Buffer.from([2, 0, 7, id.length]),
      id,
      Buffer.from([secret.length]),
      secret,
      Buffer.from([key.length]),
      key,
      Buffer.from([0, payload.length]),
      payload,
    ]);
    expect(await sendUdp(frame)).toMatchObject({ sequence: 7, status: frameStatus.ok, message: "stored" });
    expect(await sendUdp(frame)).toMatchObject({ status: frameStatus.ok, message: "already stored" });
    const again = encodeFrame({ ...fixture, messageKey: "m-1", payload: Buffer.from('{"temp":5}') });
    const other = encodeFrame({ ...fixture, messageKey: "m-2", payload: Buffer.from('{"temp":6}') });
    const tcp = await sendTcp(Buffer.concat([again, other]), 2);
    expect(tcp.replies.map((reply) => reply.message)).toEqual(["already stored", "stored"]);
    expect(await dataOf(session, fixture.deviceId)).toEqual([{ temp: 5 }, { temp: 6 }]);
    await expect.poll(async () => (await runsOf(session, fixture.appId)).length).toBe(2);

    const keyless = Buffer.concat([
      Buffer.from([2, 0, 8, id.length]),
      id,
      Buffer.from([secret.length]),
      secret,
      Buffer.from([0, 0, 2]),
      Buffer.from("{}"),
    ]);
    expect(await sendUdp(keyless)).toMatchObject({ sequence: 8, status: frameStatus.malformed });
  });

  it("refuses a wrong secret, malformed JSON, an oversized payload and a truncated frame, storing nothing", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session);
    const frame = (payload: string, secret = fixture.secret) =>
      encodeFrame({ sequence: 1, deviceId: fixture.deviceId, secret, payload: Buffer.from(payload) });
    expect((await sendUdp(frame("{}", "wrong"))).status).toBe(frameStatus.unauthorized);
    const malformed = await sendUdp(frame("{oops"));
    expect(malformed.status).toBe(frameStatus.malformed);
    expect(malformed.message).toMatch(/not JSON/);
    expect((await sendUdp(frame(JSON.stringify({ pad: "x".repeat(2_000) })))).status).toBe(
      frameStatus.tooLarge,
    );
    expect((await sendUdp(frame("{}").subarray(0, 10))).status).toBe(frameStatus.malformed);
    expect((await sendUdp(Buffer.concat([frame("{}"), Buffer.from("extra")]))).status).toBe(
      frameStatus.malformed,
    );
    // Answers are cut to the datagram's length (no amplification): the start of the message fits.
    expect((await sendUdp(Buffer.from([9, 0, 1, 4, 0, 0, 0, 0, 0, 0, 0, 0]))).message).toMatch(/^unkn/);
    expect(await dataOf(session, fixture.deviceId)).toEqual([]);
  });
});

describe("the TCP listener", () => {
  it("answers frames sent back to back in order, and hangs up after a malformed frame", async () => {
    const { session } = suite;
    const fixture = await createDeviceFixture(session, { binaryParser: "temp:0:int16:/10" });
    const frame = (sequence: number, payload: Buffer, secret = fixture.secret) =>
      encodeFrame({ sequence, deviceId: fixture.deviceId, secret, payload });
    const reading = (tenths: number) => {
      const payload = Buffer.alloc(2);
      payload.writeInt16BE(tenths, 0);
      return payload;
    };
    const { replies, hungUp } = await sendTcp(
      Buffer.concat([frame(1, reading(215)), frame(2, reading(-30), "wrong"), frame(3, reading(40))]),
      3,
    );
    expect(replies.map((reply) => [reply.sequence, reply.status])).toEqual([
      [1, frameStatus.ok],
      [2, frameStatus.unauthorized],
      [3, frameStatus.ok],
    ]);
    expect(hungUp).toBe(false);
    expect(await dataOf(session, fixture.deviceId)).toEqual([{ temp: 21.5 }, { temp: 4 }]);

    const broken = await sendTcp(
      Buffer.concat([frame(7, reading(1)).subarray(0, 3), Buffer.from([0, 0, 0, 0])]),
      1,
      { untilHangUp: true },
    );
    expect(broken.replies[0]?.status).toBe(frameStatus.malformed);
    expect(broken.hungUp).toBe(true);
    const oversized = Buffer.concat([frame(8, Buffer.alloc(0)).subarray(0, -2), Buffer.from([0xff, 0xff])]);
    const tooLarge = await sendTcp(oversized, 1, { untilHangUp: true });
    expect(tooLarge.replies[0]).toMatchObject({ sequence: 8, status: frameStatus.tooLarge });
    expect(await dataOf(session, fixture.deviceId)).toHaveLength(2);
  });
});
