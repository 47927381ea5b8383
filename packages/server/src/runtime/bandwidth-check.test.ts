import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../conflux.ts";
import { BandwidthBuckets } from "../store/bandwidth-buckets.ts";
import { BandwidthLeases } from "../store/bandwidth-leases.ts";
import type { OpenDatabase } from "../store/database.ts";
import { Refused } from "./admission.ts";
import { bandwidthCheck, type IngestRates } from "./bandwidth-check.ts";
import type { EventAtTheDoor } from "./source-door.ts";

const noon = Date.UTC(2026, 11, 5, 12);
const dir = mkdtempSync(path.join(tmpdir(), "conflux-bandwidth-check-"));
let opened: OpenDatabase;

beforeAll(async () => {
  opened = await openDatabase({ kind: "sqlite", file: path.join(dir, "check.db") }, dir);
});
afterAll(async () => {
  await opened.db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

function checkWith(rates: Record<string, IngestRates>) {
  const check = bandwidthCheck({
    ratesOf: async (operatorId) => rates[operatorId] ?? {},
    leases: new BandwidthLeases(new BandwidthBuckets(opened.db), 0),
  });
  return async (event: Omit<EventAtTheDoor, "startsRun">, now: number) =>
    check({ ...event, startsRun: true }, now);
}

async function refusal(entered: Promise<void>): Promise<Refused> {
  const error = await entered.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof Refused)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error;
}

describe("the bandwidth check at the source door", () => {
  it("lets everything through when no limit is set", async () => {
    const check = checkWith({});
    for (let index = 0; index < 5; index++)
      await check({ operatorId: "OPA", source: "device", deviceId: "d1", bytes: 1_000_000 }, noon);
  });

  it("refuses a device past its rate with 429 rate_limited and the time its bucket needs", async () => {
    const check = checkWith({ OPB: { perDevice: 100 } });
    await check({ operatorId: "OPB", source: "device", deviceId: "d1", bytes: 100 }, noon);
    const refused = await refusal(
      check({ operatorId: "OPB", source: "device", deviceId: "d1", bytes: 50 }, noon + 100),
    );
    expect(refused.code).toBe("rate_limited");
    // 10 bytes came back in 100 ms; 40 more need 400 ms: a whole second to wait.
    expect(refused.retryAfterSeconds).toBe(1);
    expect(refused.message).toBe("device d1 sends more than 100 bytes a second; send again in 1 s");
    // Another device has a bucket of its own.
    await check({ operatorId: "OPB", source: "device", deviceId: "d2", bytes: 100 }, noon + 100);
  });

  it("Retry-After counts the whole deficit of a message larger than the burst", async () => {
    const check = checkWith({ OPC: { perDevice: 10 } });
    await check({ operatorId: "OPC", source: "device", deviceId: "d1", bytes: 50 }, noon);
    const refused = await refusal(
      check({ operatorId: "OPC", source: "device", deviceId: "d1", bytes: 50 }, noon),
    );
    // The bucket is 40 bytes in debt: 50 bytes (debt and a full burst) at 10 a second.
    expect(refused.retryAfterSeconds).toBe(5);
  });

  it("the operator's rate covers all its sources, and a device's bytes are given back when it refuses", async () => {
    const check = checkWith({ OPD: { perDevice: 100, perOperator: 150 } });
    await check({ operatorId: "OPD", source: "api", bytes: 100 }, noon);
    const refused = await refusal(
      check({ operatorId: "OPD", source: "device", deviceId: "d1", bytes: 100 }, noon),
    );
    expect(refused.message).toBe(
      "your sources together send more than 150 bytes a second; send again in 1 s",
    );
    // d1 kept its 100 bytes: once the operator's bucket has 100 again (in a third of a second), d1 sends
    // them, though its own bucket would have refilled only 40 by then.
    await check({ operatorId: "OPD", source: "device", deviceId: "d1", bytes: 100 }, noon + 400);
  });

  it("timer ticks and file events pass whatever the limits", async () => {
    const check = checkWith({ OPE: { perOperator: 1 } });
    await check({ operatorId: "OPE", source: "api", bytes: 1 }, noon);
    await check({ operatorId: "OPE", source: "timer", bytes: 100 }, noon);
    await check({ operatorId: "OPE", source: "file", bytes: 100 }, noon);
    await refusal(check({ operatorId: "OPE", source: "webhook", bytes: 1 }, noon));
  });
});
