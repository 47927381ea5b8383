import { describe, expect, it } from "vitest";
import { billingMonth, monthEnd } from "../runtime/billing-month.ts";
import { EventQuota, type EventQuotaSources } from "./event-quota.ts";

const silent = { warn: () => {} };
const july = Date.parse("2026-07-31T12:00:00Z");
const august = Date.parse("2026-08-01T00:00:00Z");

/** One database's counts, shared by the instances' quotas; `commit` is the bus storing an admitted event. */
function database(caps: Record<string, number | undefined>) {
  const counts = new Map<string, number>();
  const sources: EventQuotaSources = {
    capOf: async (operatorId) => caps[operatorId],
    countOf: async (operatorId, month) => counts.get(`${operatorId} ${month}`) ?? 0,
    calendar: { month: (at) => billingMonth(at, "UTC"), monthEnd: (at) => monthEnd(at, "UTC") },
  };
  const commit = (operatorId: string, at: number) => {
    const key = `${operatorId} ${billingMonth(at, "UTC")}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  return { sources, commit, counts };
}

/** Sends `events` side by side through the door of one of `quotas` each, storing those admitted. */
async function send(
  quotas: EventQuota[],
  operatorId: string,
  events: number,
  at: number,
  commit: (o: string, at: number) => void,
) {
  const outcomes = await Promise.all(
    Array.from({ length: events }, async (_, n) => {
      try {
        await quotas[n % quotas.length]?.check(operatorId, at);
        commit(operatorId, at);
        return "admitted";
      } catch (error) {
        return (error as { code: string }).code;
      }
    }),
  );
  return outcomes.filter((outcome) => outcome === "admitted").length;
}

describe("the events quota at the door", () => {
  it("admits up to the cap and then refuses with quota_exceeded until the month ends", async () => {
    const { sources, commit } = database({ OPA: 25 });
    const quota = new EventQuota(sources, silent);
    let admitted = 0;
    for (let n = 0; n < 40; n++) admitted += await send([quota], "OPA", 1, july, commit);
    expect(admitted).toBe(25);
    const refused = await quota.check("OPA", july).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "quota_exceeded", retryAfterSeconds: 12 * 3600 });
    expect(await send([quota], "OPA", 5, august, commit)).toBe(5);
  });

  it("reads the month and the cap of an operator on a test clock at the clock's time", async () => {
    const { sources, counts } = database({ OPC: 10 });
    const capsAskedAt: number[] = [];
    const clocked: EventQuotaSources = {
      ...sources,
      capOf: async (operatorId, at) => {
        capsAskedAt.push(at);
        return sources.capOf(operatorId, at);
      },
      operatorTime: (operatorId, at) => (operatorId === "OPC" ? july : at),
    };
    counts.set("OPC 2026-07", 10);
    const quota = new EventQuota(clocked, silent);
    // Real time is in August, the clock's in July, whose 10 events are the cap.
    const refused = await quota.check("OPC", august).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "quota_exceeded", retryAfterSeconds: 12 * 3600 });
    expect(capsAskedAt).toEqual([july]);
    // Another operator at the same real time is in August, with nothing counted.
    await expect(quota.check("OPA", august)).resolves.toBeUndefined();
  });

  it("is shared by instances on one database: together they admit the cap, not more", async () => {
    const { sources, commit, counts } = database({ OPB: 40 });
    const instances = [new EventQuota(sources, silent), new EventQuota(sources, silent)];
    let admitted = 0;
    for (let n = 0; n < 90; n++)
      admitted += await send([instances[n % 2] as EventQuota], "OPB", 1, july, commit);
    expect(admitted).toBe(40);
    expect(counts.get("OPB 2026-07")).toBe(40);
  });

  it("goes over the cap by no more than the events in flight together", async () => {
    const { sources, commit } = database({ OPF: 30 });
    const instances = [new EventQuota(sources, silent), new EventQuota(sources, silent)];
    let admitted = 0;
    for (let round = 0; round < 10; round++) admitted += await send(instances, "OPF", 8, july, commit);
    expect(admitted).toBeGreaterThanOrEqual(30);
    expect(admitted).toBeLessThanOrEqual(30 + 8);
  });

  it("caps nothing without a cap, and counts from what the database counted already", async () => {
    const { sources, commit, counts } = database({ OPC: undefined, OPD: 10 });
    counts.set("OPD 2026-07", 8);
    const quota = new EventQuota(sources, silent);
    expect(await send([quota], "OPC", 500, july, commit)).toBe(500);
    expect(await send([quota], "OPD", 1, july, commit)).toBe(1);
    expect(await send([quota], "OPD", 1, july, commit)).toBe(1);
    expect(await send([quota], "OPD", 1, july, commit)).toBe(0);
  });

  it("reads an operator's cap once for the events that arrive together", async () => {
    const { sources, commit } = database({ OPG: undefined });
    let capReads = 0;
    const quota = new EventQuota(
      {
        ...sources,
        capOf: async () => {
          capReads++;
          return undefined;
        },
      },
      silent,
    );
    expect(await send([quota], "OPG", 50, july, commit)).toBe(50);
    expect(capReads).toBe(1);
  });

  it("reads the cap again once forgotten (the operator's own quota changed)", async () => {
    const caps: Record<string, number | undefined> = { OPE: 3 };
    const { sources, commit } = database(caps);
    const quota = new EventQuota(sources, silent);
    for (let n = 0; n < 5; n++) await send([quota], "OPE", 1, july, commit);
    expect(await send([quota], "OPE", 1, july, commit)).toBe(0);
    caps.OPE = undefined;
    quota.forget("OPE");
    expect(await send([quota], "OPE", 5, july, commit)).toBe(5);
  });
});
