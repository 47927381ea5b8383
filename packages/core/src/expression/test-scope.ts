// The message the tests (and the examples in docs/expressions.md) evaluate against.
import type { JsonValue, Scope } from "./values.ts";

const payload: JsonValue = {
  temp: 9.5,
  humidity: 40,
  name: "sensor-1",
  tags: ["cold", "chain"],
  nested: { a: { b: { c: 42 } } },
  "key with space": "spaced",
  keyName: "temp",
  flag: true,
  zero: 0,
  empty: "",
  nothing: null,
  list: [1, 2, 3],
  objects: [{ id: 1 }, { id: 2 }],
  time: 1709803800000, // 2024-03-07T09:30:00Z, a Thursday
  iso: "2024-03-07T09:30:00Z",
  count: "12",
  quote: 'He said "hi"\nthen left',
};

const context: JsonValue = { eventType: "device", resource: { resourceType: "Device", deviceId: "dev-1" } };

export const testScope: Scope = { payload, context, event: { payload, context } };

/** 2024-03-07T09:30:00Z, the clock the tests give now(). */
export const testNow = (): number => 1709803800000;
