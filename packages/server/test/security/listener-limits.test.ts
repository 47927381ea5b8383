// Connections that never finish must not pile up until the file-descriptor limit stops every listener:
// idle and header timeouts on HTTP, TCP and MQTT, and per-address connection caps on TCP and MQTT.
// Before: 200 half-sent TCP frames were still open after 40 s, and HTTP had no request timeout.
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { encodeFrame } from "../../src/devices/frame.ts";
import { useSuite } from "../harness.ts";

const suite = useSuite({
  devices: {
    mqttPort: 0,
    socketPort: 0,
    socketIdleTimeoutMs: 2_000,
    socketMaxConnectionsPerAddress: 3,
    mqttConnectTimeoutMs: 2_000,
    mqttMaxConnectionsPerAddress: 3,
  },
  http: { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300 },
});

const opened: Socket[] = [];
afterAll(() => {
  for (const socket of opened) socket.destroy();
});

async function open(port: number): Promise<Socket> {
  const socket = connect(port, "127.0.0.1");
  opened.push(socket);
  socket.on("error", () => {});
  // Read (and drop) what the server answers: a socket nobody reads never sees the server's close.
  socket.resume();
  await once(socket, "connect");
  return socket;
}

/** Milliseconds until the server closes the socket, or Infinity if it stays open for `withinMs`. */
async function closedWithin(socket: Socket, withinMs: number): Promise<number> {
  const started = performance.now();
  if (socket.closed) return 0;
  const closed = once(socket, "close").then(() => performance.now() - started);
  const timeout = new Promise<number>((resolve) =>
    setTimeout(() => resolve(Number.POSITIVE_INFINITY), withinMs),
  );
  return Promise.race([closed, timeout]);
}

const socketPort = () => suite.conflux.services.devices.listening.socketPort as number;
const mqttPort = () => suite.conflux.services.devices.listening.mqttPort as number;
const httpPort = () => Number(new URL(suite.conflux.url).port);

describe("the TCP device listener", () => {
  it("closes a connection that stops halfway through a frame", async () => {
    const socket = await open(socketPort());
    const frame = encodeFrame({ deviceId: "dev", secret: "s", payload: Buffer.from('{"a":1}') });
    socket.write(frame.subarray(0, 6));
    expect(await closedWithin(socket, 10_000)).toBeLessThan(10_000);
  });

  it("takes at most the configured number of connections from one address", async () => {
    const sockets = await Promise.all([1, 2, 3].map(() => open(socketPort())));
    const fourth = await open(socketPort());
    // Closed at once, well before the idle timeout that would close the other three.
    expect(await closedWithin(fourth, 1_000)).toBeLessThan(1_000);
    expect(sockets.map((socket) => socket.closed)).toEqual([false, false, false]);
    for (const socket of sockets) socket.destroy();
  });
});

describe("the embedded MQTT broker", () => {
  it("closes a connection that never sends CONNECT", async () => {
    const socket = await open(mqttPort());
    expect(await closedWithin(socket, 10_000)).toBeLessThan(10_000);
  });

  it("takes at most the configured number of connections from one address", async () => {
    const sockets = await Promise.all([1, 2, 3].map(() => open(mqttPort())));
    const fourth = await open(mqttPort());
    expect(await closedWithin(fourth, 1_000)).toBeLessThan(1_000);
    expect(sockets.map((socket) => socket.closed)).toEqual([false, false, false]);
    for (const socket of sockets) socket.destroy();
  });
});

describe("the HTTP API", () => {
  it("closes a connection whose headers never finish", async () => {
    const socket = await open(httpPort());
    socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    expect(await closedWithin(socket, 10_000)).toBeLessThan(10_000);
  });

  it("closes a connection whose body never finishes", async () => {
    const socket = await open(httpPort());
    socket.write(
      `POST /v1/operators HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":`,
    );
    expect(await closedWithin(socket, 10_000)).toBeLessThan(10_000);
  });
});
