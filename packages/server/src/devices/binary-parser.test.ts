import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileBinaryParser } from "./binary-parser.ts";

describe("the binary parser", () => {
  it("decodes the documented example: a signed 16-bit hundredth and an unsigned byte", () => {
    const parse = compileBinaryParser("temp:0:int16:/100 hum:2:uint8");
    expect(parse(Buffer.from([0x08, 0x66, 40]))).toEqual({ temp: 21.5, hum: 40 });
    expect(parse(Buffer.from([0xff, 0x38, 99]))).toEqual({ temp: -2, hum: 99 });
  });

  it("reads little-endian numbers, floats and flags, and chains operations in order", () => {
    const payload = Buffer.alloc(9);
    payload.writeUInt16LE(1000, 0);
    payload.writeFloatBE(1.5, 2);
    payload.writeUInt8(1, 6);
    const parse = compileBinaryParser("volts:0:uint16:le:/1000:+1 ratio:2:float32 door:6:bool");
    expect(parse(payload)).toEqual({ volts: 2, ratio: 1.5, door: true });
  });

  it("refuses a payload shorter than the format needs, naming the field", () => {
    const parse = compileBinaryParser("temp:0:int16 hum:2:uint8");
    expect(() => parse(Buffer.from([1, 2]))).toThrow(/field 'hum' needs bytes 2–2; the payload has 2/);
  });

  it.each([
    ["temp:0:int24", /unknown type 'int24'/],
    ["temp:x:int16", /offset/],
    ["1temp:0:int16", /name/],
    ["temp:0:int16:%3", /not an operation/],
    ["temp:0:int16:/0", /division by zero/],
    ["a:0:uint8 a:1:uint8", /appears twice/],
    ["   ", /no fields/],
  ])("refuses the format %s with a message that says why", (format, message) => {
    expect(() => compileBinaryParser(format)).toThrow(message);
  });
});

describe("the binary parser examples in docs/devices.md", () => {
  const docs = readFileSync(new URL("../../../../docs/devices.md", import.meta.url), "utf8");
  // "`<format>` reads `<hex bytes>` as `<JSON>`"
  const examples = [...docs.matchAll(/`([^`]+)` reads `([0-9a-f ]+)` as\s+`(\{[^`]+\})`/g)];

  it("has examples to check", () => expect(examples.length).toBeGreaterThanOrEqual(2));
  it.each(examples.map((match) => [match[1], match[2], match[3]]))(
    "%s reads %s as documented",
    (format, hex, json) => {
      const bytes = Buffer.from((hex as string).replaceAll(" ", ""), "hex");
      expect(compileBinaryParser(format as string)(bytes)).toEqual(JSON.parse(json as string));
    },
  );
});
