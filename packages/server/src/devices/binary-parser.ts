/**
 * The binary parser: a format string that turns a binary payload into JSON, for devices that cannot
 * afford JSON. Grammar and examples: docs/devices.md. `temp:0:int16:/100 hum:2:uint8` reads a big-endian
 * signed 16-bit number at byte 0 divided by 100, and an unsigned byte at byte 2: `{"temp":21.5,"hum":40}`.
 */

const types = {
  int8: { size: 1, read: (b: Buffer, at: number) => b.readInt8(at) },
  uint8: { size: 1, read: (b: Buffer, at: number) => b.readUInt8(at) },
  int16: {
    size: 2,
    read: (b: Buffer, at: number, le: boolean) => (le ? b.readInt16LE(at) : b.readInt16BE(at)),
  },
  uint16: {
    size: 2,
    read: (b: Buffer, at: number, le: boolean) => (le ? b.readUInt16LE(at) : b.readUInt16BE(at)),
  },
  int32: {
    size: 4,
    read: (b: Buffer, at: number, le: boolean) => (le ? b.readInt32LE(at) : b.readInt32BE(at)),
  },
  uint32: {
    size: 4,
    read: (b: Buffer, at: number, le: boolean) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at)),
  },
  float32: {
    size: 4,
    read: (b: Buffer, at: number, le: boolean) => (le ? b.readFloatLE(at) : b.readFloatBE(at)),
  },
  float64: {
    size: 8,
    read: (b: Buffer, at: number, le: boolean) => (le ? b.readDoubleLE(at) : b.readDoubleBE(at)),
  },
  bool: { size: 1, read: (b: Buffer, at: number) => (b.readUInt8(at) !== 0 ? 1 : 0) },
} as const;
type FieldType = keyof typeof types;

interface Field {
  name: string;
  offset: number;
  type: FieldType;
  littleEndian: boolean;
  operations: Array<{ operator: "+" | "-" | "*" | "/"; operand: number }>;
}

export type BinaryParser = (payload: Buffer) => Record<string, number | boolean>;

export class BinaryParserError extends Error {
  override name = "BinaryParserError";
}

const namePattern = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const operationPattern = /^([+\-*/])(-?\d+(?:\.\d+)?)$/;
const maxFields = 64;

function parseField(text: string, index: number): Field {
  const where = `field ${index + 1} '${text}'`;
  const [name = "", offsetText = "", typeText = "", ...rest] = text.split(":");
  if (!namePattern.test(name))
    throw new BinaryParserError(`${where}: the name must be a letter or '_' then letters, digits, '_'`);
  if (!/^\d{1,5}$/.test(offsetText))
    throw new BinaryParserError(`${where}: the offset must be a byte number (0, 1, …)`);
  if (!Object.hasOwn(types, typeText))
    throw new BinaryParserError(
      `${where}: unknown type '${typeText}' (one of ${Object.keys(types).join(", ")})`,
    );
  let littleEndian = false;
  if (rest[0] === "le" || rest[0] === "be") littleEndian = rest.shift() === "le";
  const operations = rest.map((operation) => {
    const match = operationPattern.exec(operation);
    if (!match)
      throw new BinaryParserError(`${where}: '${operation}' is not an operation like /100, *0.1, +5 or -40`);
    const operand = Number(match[2]);
    if (match[1] === "/" && operand === 0) throw new BinaryParserError(`${where}: division by zero`);
    return { operator: match[1] as Field["operations"][number]["operator"], operand };
  });
  return { name, offset: Number(offsetText), type: typeText as FieldType, littleEndian, operations };
}

/** Compiles a format string once; throws BinaryParserError with the faulty field. */
export function compileBinaryParser(format: string): BinaryParser {
  const texts = format.trim().split(/\s+/).filter(Boolean);
  if (texts.length === 0) throw new BinaryParserError("the format has no fields");
  if (texts.length > maxFields) throw new BinaryParserError(`the format has more than ${maxFields} fields`);
  const fields = texts.map(parseField);
  const names = new Set<string>();
  for (const field of fields) {
    if (names.has(field.name)) throw new BinaryParserError(`the field '${field.name}' appears twice`);
    names.add(field.name);
  }
  return (payload) => {
    const result: Record<string, number | boolean> = {};
    for (const field of fields) {
      const { size, read } = types[field.type];
      if (field.offset + size > payload.length)
        throw new BinaryParserError(
          `field '${field.name}' needs bytes ${field.offset}–${field.offset + size - 1}; the payload has ${payload.length}`,
        );
      let value = read(payload, field.offset, field.littleEndian);
      for (const { operator, operand } of field.operations) {
        if (operator === "+") value += operand;
        else if (operator === "-") value -= operand;
        else if (operator === "*") value *= operand;
        else value /= operand;
      }
      // Division leaves binary fractions (2150 / 100 = 21.5 but 2151 / 100 = 21.509999…): keep 10 digits.
      result[field.name] = field.type === "bool" ? value !== 0 : Number(value.toPrecision(10));
    }
    return result;
  };
}
