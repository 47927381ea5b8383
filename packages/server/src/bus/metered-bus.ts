import type { Metrics } from "../metrics/metrics.ts";
import type { Bus } from "./bus.ts";

/**
 * A bus that counts what passes through it: events made durable (ingest), steps finished (their
 * duration by action type) and tries scheduled again. Any bus implementation, one place to count.
 */
export function meteredBus(bus: Bus, metrics: Metrics): Bus {
  return {
    async startExecution(execution, delivery, alsoWrite, alongRows) {
      const started = await bus.startExecution(execution, delivery, alsoWrite, alongRows);
      if (!started.duplicate) metrics.eventsIngested.inc({ event_type: execution.eventType });
      return started;
    },
    claim: (max, leaseMs) => bus.claim(max, leaseMs),
    async retryLater(job, availableAt, step, plan) {
      await bus.retryLater(job, availableAt, step, plan);
      if (plan.tried) metrics.stepRetries.inc({ action_type: step.actionType });
    },
    async complete(job, step, outputs, alsoWrite) {
      await bus.complete(job, step, outputs, alsoWrite);
      const seconds = ((step.finishedAt ?? Date.now()) - step.startedAt) / 1000;
      metrics.stepDuration.observe({ action_type: step.actionType, status: step.status }, seconds);
    },
    publishTaken: (take) => bus.publishTaken(take),
    letGo: (job) => bus.letGo(job),
    releaseAllLeases: () => bus.releaseAllLeases(),
    onWork: (listener) => bus.onWork(listener),
    ping: () => bus.ping(),
  };
}
