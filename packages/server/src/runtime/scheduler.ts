import type { App, EventSource, JsonValue } from "@conflux/core";
import { Cron } from "croner";
import type { Logger } from "pino";

export interface TimerTick {
  operatorId: string;
  app: App;
  channelId: string;
  payload: JsonValue;
  context: { eventType: "schedule"; scheduleId: string; timestamp: number; cron?: string; timezone?: string };
  /** The same tick fired by two schedulers starts one execution. */
  dedupeKey: string;
}

type TimerSource = Extract<EventSource, { type: "interval-timer" | "scheduled-timer" }>;

interface Timer {
  stop(): void;
}

const minuteMs = 60_000;

/** Fires interval and cron timers of every app; ticks are aligned so each one has a stable dedupe key. */
export class Scheduler {
  private readonly timers = new Map<string, Timer[]>();
  /** The operator of each app with timers. */
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly fire: (tick: TimerTick) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** (Re)arms the timers of one app; call after every create, update or delete. */
  schedule(operatorId: string, app: App | undefined, appId: string): void {
    for (const timer of this.timers.get(appId) ?? []) timer.stop();
    this.timers.delete(appId);
    this.owners.delete(appId);
    if (!app) return;
    const timers: Timer[] = [];
    for (const channel of app.channels) {
      const source = channel.eventSource;
      if (!source?.enabled || (source.type !== "interval-timer" && source.type !== "scheduled-timer"))
        continue;
      timers.push(this.arm(operatorId, app, channel.channelId, source));
    }
    if (timers.length) {
      this.timers.set(appId, timers);
      this.owners.set(appId, operatorId);
    }
  }

  /** Stops the timers of every app of an operator (its account was erased). */
  unscheduleOperator(operatorId: string): void {
    for (const [appId, owner] of this.owners)
      if (owner === operatorId) this.schedule(operatorId, undefined, appId);
  }

  stop(): void {
    for (const timers of this.timers.values()) for (const timer of timers) timer.stop();
    this.timers.clear();
    this.owners.clear();
  }

  private emit(
    operatorId: string,
    app: App,
    channelId: string,
    source: TimerSource,
    timestamp: number,
  ): void {
    const extra =
      source.type === "scheduled-timer" ? { cron: source.config.cron, timezone: source.config.timezone } : {};
    const tick: TimerTick = {
      operatorId,
      app,
      channelId,
      payload: (source.config.payload ?? null) as JsonValue,
      context: { eventType: "schedule", scheduleId: `${app.appId}:${channelId}`, timestamp, ...extra },
      dedupeKey: `schedule:${channelId}:${timestamp}`,
    };
    this.fire(tick).catch((error: unknown) =>
      this.logger.error({ err: error, appId: app.appId, channelId }, "timer tick was not delivered"),
    );
  }

  private arm(operatorId: string, app: App, channelId: string, source: TimerSource): Timer {
    if (source.type === "scheduled-timer") {
      const cron = new Cron(source.config.cron, { timezone: source.config.timezone }, (self: Cron) => {
        const scheduled = self.currentRun()?.getTime() ?? Date.now();
        this.emit(operatorId, app, channelId, source, Math.floor(scheduled / minuteMs) * minuteMs);
      });
      return { stop: () => cron.stop() };
    }
    const periodMs = source.config.intervalMinutes * minuteMs;
    let timeout: NodeJS.Timeout;
    const next = () => {
      const due = Math.ceil((Date.now() + 1) / periodMs) * periodMs;
      timeout = setTimeout(() => {
        this.emit(operatorId, app, channelId, source, due);
        next();
      }, due - Date.now());
    };
    next();
    return { stop: () => clearTimeout(timeout) };
  }
}
