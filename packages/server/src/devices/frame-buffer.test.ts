import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameBuffer } from "./frame-buffer.ts";

describe("FrameBuffer", () => {
  it("holds what was appended and not consumed, and never changes bytes handed out before", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 400 }))), (steps) => {
        const buffer = new FrameBuffer();
        let expected = Buffer.alloc(0);
        const handedOut: Array<{ view: Buffer; copy: Buffer }> = [];
        for (const [chunk, consume] of steps) {
          buffer.append(Buffer.from(chunk));
          expected = Buffer.concat([expected, Buffer.from(chunk)]);
          const count = Math.min(consume, expected.length);
          const view = buffer.bytes.subarray(0, count);
          handedOut.push({ view, copy: Buffer.from(view) });
          buffer.consume(count);
          expected = expected.subarray(count);
          expect(buffer.bytes.equals(expected)).toBe(true);
        }
        for (const { view, copy } of handedOut) expect(view.equals(copy)).toBe(true);
      }),
    );
  });

  it("takes a 64 KiB frame one byte at a time in linear time", () => {
    const buffer = new FrameBuffer();
    const byte = Buffer.from([7]);
    for (let index = 0; index < 65_536; index++) buffer.append(byte);
    expect(buffer.bytes.length).toBe(65_536);
  });
});
