/**
 * The framed format of the UDP and TCP listeners (docs/devices.md), for devices too small for HTTP or MQTT:
 *
 *   request: version (1 or 2) | sequence (uint16) | id length (uint8) | device id | secret length (uint8)
 *            | secret | [version 2: key length (uint8) | message key] | payload length (uint16) | payload
 *   reply:   version (1) | sequence (uint16) | status (uint8) | message length (uint16) | message (UTF-8)
 *
 * Numbers are big-endian. UDP carries one frame per datagram; TCP carries frames back to back, each
 * answered in order. A reply with status `ok` means the message is durable. Version 2 adds a message key
 * (the Idempotency-Key of HTTP): a frame sent again with its key is stored once. Version 1 frames stay
 * valid; the reply is the same for both.
 */

const frameVersion = 1;
const keyedFrameVersion = 2;

/** `tryLater`: refused for now (the device's or operator's rate, the backlog); the message says when to send again. */
export const frameStatus = {
  ok: 0,
  unauthorized: 1,
  malformed: 2,
  tooLarge: 3,
  serverError: 4,
  tryLater: 5,
} as const;
export type FrameStatus = (typeof frameStatus)[keyof typeof frameStatus];

export interface Frame {
  sequence: number;
  deviceId: string;
  secret: string;
  /** Version 2: the device's key for this message, the same when it sends the frame again. */
  messageKey?: string;
  payload: Buffer;
}

type Decoded =
  | { kind: "frame"; frame: Frame; bytes: number }
  /** Not enough bytes yet (TCP). */
  | { kind: "partial" }
  | { kind: "error"; sequence: number; status: FrameStatus; message: string };

/** Decodes one frame at the start of `buffer`; the payload length is checked before the payload is awaited. */
export function decodeFrame(buffer: Buffer, maxPayloadBytes: number): Decoded {
  if (buffer.length < 4) return { kind: "partial" };
  const sequence = buffer.readUInt16BE(1);
  const malformed = (message: string): Decoded => ({
    kind: "error",
    sequence,
    status: frameStatus.malformed,
    message,
  });
  const version = buffer[0];
  if (version !== frameVersion && version !== keyedFrameVersion)
    return malformed(`unknown frame version ${version}; this server speaks 1 and 2`);
  const idLength = buffer.readUInt8(3);
  if (idLength === 0 || idLength > 64) return malformed("the device id is 1 to 64 bytes");
  if (buffer.length < 5 + idLength) return { kind: "partial" };
  const secretLength = buffer.readUInt8(4 + idLength);
  if (secretLength === 0) return malformed("the secret is missing");
  const secretEnd = 5 + idLength + secretLength;
  let lengthAt = secretEnd;
  if (version === keyedFrameVersion) {
    if (buffer.length < secretEnd + 1) return { kind: "partial" };
    const keyLength = buffer.readUInt8(secretEnd);
    if (keyLength === 0) return malformed("a version 2 frame carries a message key of 1 to 255 bytes");
    lengthAt = secretEnd + 1 + keyLength;
  }
  if (buffer.length < lengthAt + 2) return { kind: "partial" };
  const payloadLength = buffer.readUInt16BE(lengthAt);
  if (payloadLength > maxPayloadBytes)
    return {
      kind: "error",
      sequence,
      status: frameStatus.tooLarge,
      message: `the payload is ${payloadLength} bytes; the limit is ${maxPayloadBytes}`,
    };
  const end = lengthAt + 2 + payloadLength;
  if (buffer.length < end) return { kind: "partial" };
  return {
    kind: "frame",
    bytes: end,
    frame: {
      sequence,
      deviceId: buffer.toString("ascii", 4, 4 + idLength),
      secret: buffer.toString("utf8", 5 + idLength, secretEnd),
      ...(lengthAt > secretEnd ? { messageKey: buffer.toString("utf8", secretEnd + 1, lengthAt) } : {}),
      payload: buffer.subarray(lengthAt + 2, end),
    },
  };
}

export function encodeFrame(frame: Omit<Frame, "sequence"> & { sequence?: number }): Buffer {
  const id = Buffer.from(frame.deviceId, "ascii");
  const secret = Buffer.from(frame.secret, "utf8");
  const key = frame.messageKey === undefined ? undefined : Buffer.from(frame.messageKey, "utf8");
  const header = Buffer.alloc(4);
  header.writeUInt8(key ? keyedFrameVersion : frameVersion, 0);
  header.writeUInt16BE(frame.sequence ?? 0, 1);
  header.writeUInt8(id.length, 3);
  const payloadLength = Buffer.alloc(2);
  payloadLength.writeUInt16BE(frame.payload.length, 0);
  const keyField = key ? [Buffer.from([key.length]), key] : [];
  return Buffer.concat([
    header,
    id,
    Buffer.from([secret.length]),
    secret,
    ...keyField,
    payloadLength,
    frame.payload,
  ]);
}

export function encodeReply(sequence: number, status: FrameStatus, message: string): Buffer {
  const text = Buffer.from(message.slice(0, 512), "utf8");
  const header = Buffer.alloc(6);
  header.writeUInt8(frameVersion, 0);
  header.writeUInt16BE(sequence, 1);
  header.writeUInt8(status, 3);
  header.writeUInt16BE(text.length, 4);
  return Buffer.concat([header, text]);
}

const replyHeaderBytes = 6;

/**
 * A reply cut to at most `maxBytes`, its message shortened at a character boundary; undefined when not
 * even the header fits. UDP answers a datagram with no more bytes than it carried: a source address is
 * easily forged, and a larger answer would make the listener an amplifier aimed at someone else.
 */
export function fitReply(reply: Buffer, maxBytes: number): Buffer | undefined {
  if (reply.length <= maxBytes) return reply;
  if (maxBytes < replyHeaderBytes) return undefined;
  let end = maxBytes;
  // Back off UTF-8 continuation bytes (10xxxxxx), so the message stays valid text.
  while (end > replyHeaderBytes && ((reply[end] ?? 0) & 0xc0) === 0x80) end--;
  const fitted = Buffer.from(reply.subarray(0, end));
  fitted.writeUInt16BE(end - replyHeaderBytes, 4);
  return fitted;
}

export function decodeReply(
  buffer: Buffer,
): { sequence: number; status: number; message: string; bytes: number } | undefined {
  if (buffer.length < 6) return undefined;
  const length = buffer.readUInt16BE(4);
  if (buffer.length < 6 + length) return undefined;
  return {
    sequence: buffer.readUInt16BE(1),
    status: buffer.readUInt8(3),
    message: buffer.toString("utf8", 6, 6 + length),
    bytes: 6 + length,
  };
}
