import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import type { Logger } from "pino";
import { UserError } from "../errors.ts";
import { Refused } from "../runtime/admission.ts";
import { ConnectionsPerAddress } from "./connections-per-address.ts";
import type { DeviceIngest } from "./device-ingest.ts";
import { decodeFrame, encodeReply, type Frame, type FrameStatus, fitReply, frameStatus } from "./frame.ts";
import { FrameBuffer } from "./frame-buffer.ts";

interface SocketListeners {
  /** UDP and TCP share this port number. */
  port: number;
  close(): Promise<void>;
}

function statusOf(error: unknown): FrameStatus {
  if (!(error instanceof UserError)) return frameStatus.serverError;
  if (error instanceof Refused) return frameStatus.tryLater;
  if (error.code === "unauthorized") return frameStatus.unauthorized;
  if (error.code === "payload_too_large") return frameStatus.tooLarge;
  return frameStatus.malformed;
}

/** UDP and TCP listeners for the framed format of frame.ts; each frame is answered once it is durable. */
export async function startSocketListeners(options: {
  ingest: DeviceIngest;
  host: string;
  port: number;
  maxPayloadBytes: number;
  logger: Logger;
  /** A TCP connection silent this long is closed (a half-sent frame never finishes otherwise). */
  idleTimeoutMs: number;
  maxConnectionsPerAddress: number;
}): Promise<SocketListeners> {
  const { ingest, logger, maxPayloadBytes } = options;

  const handle = async (frame: Frame, protocol: "udp" | "tcp", port: number): Promise<Buffer> => {
    try {
      const device = await ingest.authenticate(frame.deviceId, frame.secret);
      const accepted = await ingest.accept(device, frame.payload, { protocol, port }, frame.messageKey);
      return encodeReply(frame.sequence, frameStatus.ok, accepted.duplicate ? "already stored" : "stored");
    } catch (error) {
      const status = statusOf(error);
      if (status === frameStatus.serverError)
        logger.error({ err: error, protocol }, "device frame not stored");
      return encodeReply(
        frame.sequence,
        status,
        status === frameStatus.serverError ? "not stored; send again" : (error as Error).message,
      );
    }
  };

  const connections = new Set<Socket>();
  const perAddress = new ConnectionsPerAddress(options.maxConnectionsPerAddress);
  const tcp: Server = createServer((socket: Socket) => {
    if (!perAddress.admit(socket)) return;
    connections.add(socket);
    socket.setTimeout(options.idleTimeoutMs, () => socket.destroy());
    socket.on("close", () => connections.delete(socket));
    const buffered = new FrameBuffer();
    // Frames of one connection are answered in order: each waits for the one before.
    let chain = Promise.resolve();
    socket.on("error", () => socket.destroy());
    socket.on("data", (chunk) => {
      buffered.append(chunk);
      for (;;) {
        const decoded = decodeFrame(buffered.bytes, maxPayloadBytes);
        if (decoded.kind === "partial") return;
        if (decoded.kind === "error") {
          // The stream cannot be resynchronised after a bad frame: answer and hang up.
          const reply = encodeReply(decoded.sequence, decoded.status, decoded.message);
          chain = chain.then(() => void socket.end(reply));
          socket.removeAllListeners("data");
          return;
        }
        buffered.consume(decoded.bytes);
        const { frame } = decoded;
        chain = chain.then(async () => {
          const reply = await handle(frame, "tcp", tcpPort);
          if (!socket.destroyed) socket.write(reply);
        });
      }
    });
  });
  tcp.listen(options.port, options.host);
  await once(tcp, "listening");
  const tcpAddress = tcp.address();
  const tcpPort = typeof tcpAddress === "object" && tcpAddress ? tcpAddress.port : options.port;

  const udp: UdpSocket = createSocket(options.host.includes(":") ? "udp6" : "udp4");
  udp.on("message", (datagram, remote) => {
    const decoded = decodeFrame(datagram, maxPayloadBytes);
    const answer = (reply: Buffer) => {
      const fitted = fitReply(reply, datagram.length);
      if (fitted) udp.send(fitted, remote.port, remote.address);
    };
    if (decoded.kind === "partial")
      return answer(encodeReply(0, frameStatus.malformed, "the datagram is shorter than its header says"));
    if (decoded.kind === "error")
      return answer(encodeReply(decoded.sequence, decoded.status, decoded.message));
    if (decoded.bytes !== datagram.length)
      return answer(
        encodeReply(decoded.frame.sequence, frameStatus.malformed, "the datagram is longer than its frame"),
      );
    void handle(decoded.frame, "udp", tcpPort).then(answer);
  });
  udp.on("error", (error) => logger.error({ err: error }, "UDP listener error"));
  // Same port number as TCP, so one number goes into device firmware.
  udp.bind(tcpPort, options.host);
  await once(udp, "listening");

  return {
    port: tcpPort,
    async close() {
      const closed = new Promise((resolve) => tcp.close(resolve));
      for (const socket of connections) socket.destroy();
      udp.close();
      await closed;
    },
  };
}
