import pino from "pino";
import { describe, expect, it } from "vitest";
import { CommandDelivery } from "./command-delivery.ts";
import type { CommandOutbox } from "./device-commands.ts";
import type { DeviceCommands } from "./mqtt-topics.ts";

/** Delivery on SQLite over a stand-in outbox, with the broker mode under test. */
function deliveryOn(outbox: CommandOutbox, mqtt: "embedded" | "external"): CommandDelivery {
  return new CommandDelivery(outbox, {
    database: { kind: "sqlite" },
    mqtt,
    maxPayloadBytes: 1_024,
    pollMs: 1_000,
    logger: pino({ level: "silent" }),
  });
}

describe("command delivery", () => {
  it("stops only once its sweep under way has finished, so none queries a database being closed", async () => {
    let finishSweep = () => {};
    const outbox = {
      sweep: () =>
        new Promise((resolve) => {
          finishSweep = () => resolve({ expired: 0, deleted: 0 });
        }),
    } as unknown as CommandOutbox;
    const delivery = deliveryOn(outbox, "external");
    delivery.startExternal({ send: async () => {} } satisfies DeviceCommands);
    let stopped = false;
    const stopping = delivery.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    finishSweep();
    await stopping;
    expect(stopped).toBe(true);
  });

  it("keeps a command sent before the embedded broker has started in the outbox instead of refusing it", async () => {
    const enqueued: string[] = [];
    const outbox = {
      forOperator: () => ({
        enqueue: async (deviceId: string, payload: string) => {
          enqueued.push(payload);
          return { command: { deviceId, payload, status: "pending" }, created: true };
        },
      }),
    } as unknown as CommandOutbox;
    const delivery = deliveryOn(outbox, "embedded");
    const command = await delivery.forOperator("OP0000000001").send("d-1", "fan on");
    expect(command).toMatchObject({ status: "pending" });
    expect(enqueued).toEqual(["fan on"]);
    await delivery.stop();
  });
});
