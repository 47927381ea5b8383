import { expect } from "vitest";
import type { Bus, Delivery, Job } from "../src/bus/bus.ts";
import type { StepRecord } from "../src/store/store.ts";

/** The bus suites' operator (openWithOperators creates it) and app. */
export const alice = "OP0000000001";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A message of `alice`'s app APP-A on channel `in`, for the jobs of `actionIds`. */
export function delivery(
  messageId: string,
  actionIds: string[],
  availableAt = 0,
  executionId = messageId,
): Delivery {
  return {
    message: {
      messageId,
      executionId,
      operatorId: alice,
      appId: "APP-A",
      channelId: "in",
      hop: 0,
      payload: { temp: 9 },
      context: { eventType: "api" },
      parentStepId: null,
    },
    actionIds,
    availableAt,
  };
}

/** A completed webhook step of `job`, with `fields` changed. */
export function stepOf(job: Job, fields: Partial<StepRecord> = {}): StepRecord {
  return {
    stepId: job.jobId,
    executionId: job.executionId,
    messageId: job.messageId,
    channelId: "in",
    actionId: job.actionId,
    actionType: "webhook",
    status: "completed",
    conditionValue: true,
    input: { temp: 9 },
    result: { ok: true },
    error: null,
    usage: null,
    attempts: job.attempts,
    startedAt: 1,
    finishedAt: 2,
    ...fields,
  };
}

/** Claims until at least `count` jobs came, or `withinMs` passed: a bus may hand work out a moment later. */
export async function claimSoon(
  bus: Pick<Bus, "claim">,
  count = 1,
  withinMs = 5_000,
  leaseMs = 60_000,
): Promise<Job[]> {
  const jobs: Job[] = [];
  const deadline = Date.now() + withinMs;
  while (jobs.length < count && Date.now() < deadline) {
    jobs.push(...(await bus.claim(100, leaseMs)));
    if (jobs.length < count) await sleep(20);
  }
  return jobs;
}

/** Every claim for `forMs` comes back empty. */
export async function expectNothingClaimed(
  bus: Pick<Bus, "claim">,
  forMs: number,
  leaseMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + forMs;
  while (Date.now() < deadline) {
    expect(await bus.claim(100, leaseMs)).toEqual([]);
    await sleep(20);
  }
}
