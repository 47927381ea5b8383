import { type App, appDefinitionSchema } from "@conflux/core";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Scheduler, type TimerTick } from "./scheduler.ts";

function appWith(eventSource: unknown): App {
  const definition = appDefinitionSchema.parse({
    name: "timers",
    channels: [{ channelId: "tick", eventSource }],
  });
  return { ...definition, appId: "APP", createdAt: 0, updatedAt: 0 };
}

describe("the scheduler", () => {
  const ticks: TimerTick[] = [];
  let scheduler: Scheduler;

  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 25, 10, 0, 30) });
    ticks.length = 0;
    scheduler = new Scheduler(async (tick) => void ticks.push(tick), pino({ level: "silent" }));
  });
  afterEach(() => {
    scheduler.stop();
    vi.useRealTimers();
  });

  it("fires an interval timer on minute boundaries, with its payload and a stable dedupe key", async () => {
    scheduler.schedule(
      "OP1",
      appWith({ type: "interval-timer", config: { intervalMinutes: 5, payload: { ping: 1 } } }),
      "APP",
    );
    await vi.advanceTimersByTimeAsync(11 * 60_000);
    const expected = [Date.UTC(2026, 10, 25, 10, 5), Date.UTC(2026, 10, 25, 10, 10)];
    expect(ticks.map((tick) => tick.context.timestamp)).toEqual(expected);
    expect(ticks[0]).toMatchObject({
      operatorId: "OP1",
      channelId: "tick",
      payload: { ping: 1 },
      context: { eventType: "schedule", scheduleId: "APP:tick" },
      dedupeKey: `schedule:tick:${expected[0]}`,
    });
  });

  it("fires a cron timer in its time zone", async () => {
    // 19:00 in Tokyo is 10:00 UTC.
    scheduler.schedule(
      "OP1",
      appWith({ type: "scheduled-timer", config: { cron: "0 19 * * *", timezone: "Asia/Tokyo" } }),
      "APP",
    );
    await vi.advanceTimersByTimeAsync(24 * 60 * 60_000);
    expect(ticks.map((tick) => new Date(tick.context.timestamp).toISOString())).toEqual([
      "2026-11-26T10:00:00.000Z",
    ]);
    expect(ticks[0]?.context).toMatchObject({ cron: "0 19 * * *", timezone: "Asia/Tokyo" });
  });

  it("stops an app's timers when it changes or is deleted, and skips disabled sources", async () => {
    scheduler.schedule("OP1", appWith({ type: "interval-timer", config: { intervalMinutes: 1 } }), "APP");
    scheduler.schedule("OP1", undefined, "APP");
    scheduler.schedule(
      "OP1",
      appWith({ type: "interval-timer", enabled: false, config: { intervalMinutes: 1 } }),
      "OTHER",
    );
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(ticks).toEqual([]);
  });
});
