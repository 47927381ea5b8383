import {
  type Action,
  type App,
  isRunnableActionType,
  type JsonValue,
  maxHops,
  type Scope,
} from "@conflux/core";
import type { Logger } from "pino";
import { type Bus, type Delivery, type Job, parkedAt, type WriteWithStep } from "../bus/bus.ts";
import { type DestinationBreakers, destinationOf } from "../bus/destination-breakers.ts";
import { compileConditionOnce } from "../expressions/compiled-expressions.ts";
import type { OutboundClient } from "../outbound/guarded-client.ts";
import type { MessageRecord, OperatorStore, StepError, StepRecord, Store } from "../store/store.ts";
import type { ActionResult } from "./actions/action.ts";
import { ActionError } from "./actions/action.ts";
import { type ActionServices, createActionContext } from "./actions/action-context.ts";
import { runActionOfType } from "./actions/registry.ts";
import { renderTransform } from "./actions/render.ts";
import { planDelivery } from "./deliveries.ts";
import { mayRetry, nextTryDelayMs, type RetryPolicy } from "./retry-policy.ts";
import type { RunApps } from "./run-app.ts";
import { classifyError } from "./step-error.ts";
import type { StepEvents } from "./step-events.ts";

/** What running a job needs: the stores and bus, and what the action itself draws on. */
export interface RuntimeServices extends ActionServices {
  store: Store;
  runApps: RunApps;
  bus: Bus;
  logger: Logger;
  retry: RetryPolicy;
  breakers: DestinationBreakers;
  maxMessageBytes: number;
  stepEvents: StepEvents;
}

/** Tries cut short by a crash or restart (neither finished nor retried) before the job is given up. */
const maxCrashedTries = 3;

export interface StepInput {
  job: Job;
  app: App;
  action: Action;
  message: MessageRecord;
  scope: Scope;
}

function newStep(
  job: Job,
  message: MessageRecord,
  action: Pick<Action, "actionId" | "type"> | undefined,
): StepRecord {
  return {
    stepId: job.jobId,
    executionId: job.executionId,
    messageId: job.messageId,
    channelId: message.channelId,
    actionId: job.actionId,
    actionType: action?.type ?? "unknown",
    status: "running",
    conditionValue: null,
    input: message.payload,
    result: null,
    error: null,
    usage: null,
    attempts: job.attempts,
    startedAt: Date.now(),
    finishedAt: null,
  };
}

/** The messages an action's result (or failure) sends on: output or error output, after its transform. */
export function planOutputs(
  { job, app, action, message, scope }: StepInput,
  outcome: { result: JsonValue } | { error: StepError },
  maxMessageBytes: number,
): Delivery[] {
  const isError = "error" in outcome;
  const output = isError ? action.errorOutput : action.output;
  if (!output.enabled || !output.channelId) return [];
  if (message.hop + 1 > maxHops)
    throw new ActionError("hop_limit", `the run stopped after ${maxHops} hops (a loop between channels?)`);
  const transformScope: Scope = isError
    ? { ...scope, error: { ...outcome.error } }
    : { ...scope, result: outcome.result };
  const value = output.transform
    ? renderTransform(output.transform, transformScope)
    : isError
      ? { ...outcome.error }
      : outcome.result;
  const split = !isError && action.output.splitArray && Array.isArray(value);
  const payloads: JsonValue[] = split ? (value as JsonValue[]) : [value];
  return payloads.map((payload) =>
    planDelivery(
      app,
      {
        operatorId: job.operatorId,
        executionId: job.executionId,
        channelId: output.channelId as string,
        hop: message.hop + 1,
        payload,
        context: {
          eventType: isError ? "errorOutput" : "output",
          actionId: action.actionId,
          channelId: action.channelId,
        },
        parentStepId: job.jobId,
        delaySeconds: isError ? 0 : action.output.delaySeconds,
      },
      maxMessageBytes,
    ),
  );
}

/** The guarded client, noting the destination of the last request: where a failed try failed. */
function noteDestinations(outbound: OutboundClient): { client: OutboundClient; last(): string | null } {
  let last: string | null = null;
  return {
    client: {
      send(request) {
        last = destinationOf(request.url);
        return outbound.send(request);
      },
      close: () => outbound.close(),
    },
    last: () => last,
  };
}

async function runAction(
  input: StepInput,
  services: RuntimeServices,
  operator: OperatorStore,
  outbound: OutboundClient,
): Promise<ActionResult> {
  const { action } = input;
  if (!isRunnableActionType(action.type))
    throw new ActionError(
      "action_type_unavailable",
      `action type '${action.type}' cannot run in this Conflux yet`,
    );
  const context = createActionContext(
    services,
    operator,
    { scope: input.scope, idempotencyKey: input.job.jobId, hop: input.message.hop },
    outbound,
  );
  return runActionOfType(action.type, action.config, context);
}

/** Runs one job: condition, action, retries, outputs; the step and the outputs commit with the acknowledgement. */
export async function runJob(job: Job, services: RuntimeServices): Promise<void> {
  const { bus } = services;
  const operator = services.store.forOperator(job.operatorId);
  const [app, message] = await Promise.all([
    services.runApps.appFor(operator, job.appId, job.appVersion),
    operator.getMessage(job.messageId),
  ]);
  const trigger = job.messageId === job.executionId ? message : await operator.getMessage(job.executionId);
  if (!message || !trigger) throw new Error(`message ${job.messageId} of job ${job.jobId} is missing`);
  const action = app?.actions.find((candidate) => candidate.actionId === job.actionId);
  const step = newStep(job, message, action);
  const announce = (record: StepRecord) =>
    services.stepEvents.emit({ operatorId: job.operatorId, appId: job.appId, step: record });
  const finish = async (fields: Partial<StepRecord>, outputs: Delivery[] = [], alsoWrite?: WriteWithStep) => {
    const final = { ...step, ...fields, finishedAt: Date.now() };
    await bus.complete(job, final, outputs, alsoWrite);
    announce(final);
  };

  // Each claim counts a try, so a job whose run keeps killing the process stops here instead of looping.
  const unfinished = job.attempts - 1 - job.retries;
  if (unfinished > maxCrashedTries)
    return finish({
      status: "failed",
      error: {
        code: "too_many_attempts",
        message: `gave up after ${unfinished} tries that did not finish`,
      },
    });
  if (!app || !action)
    return finish({
      status: "failed",
      error: { code: "action_removed", message: "the action is no longer in the app" },
    });
  if (!action.enabled) return finish({ status: "disabled" });

  const scope: Scope = {
    payload: message.payload,
    context: message.context,
    event: { payload: trigger.payload, context: trigger.context },
  };
  const input: StepInput = { job, app, action, message, scope };
  const now = Date.now();
  const retryUntil = job.retryUntil ?? now + services.retry.retryForMs;
  // Failed on a destination that is still down: wait behind its breaker without trying (until the last try is due).
  if (
    job.destination !== null &&
    now < retryUntil &&
    (await services.breakers.holds(job.operatorId, job.destination, job.jobId, now))
  ) {
    const waiting: StepRecord = {
      ...step,
      attempts: job.attempts - 1,
      status: "retrying",
      error: { code: "destination_down", message: `${job.destination} is not answering; waiting for it` },
    };
    await bus.retryLater(job, parkedAt, waiting, { retryUntil, destination: job.destination, tried: false });
    return announce(waiting);
  }
  announce(step);

  const destinations = noteDestinations(services.outbound);
  let result: ActionResult;
  try {
    step.conditionValue = compileConditionOnce(action.condition).evaluate(scope);
    if (!step.conditionValue) return finish({ status: "skipped" });
    result = await runAction(input, services, operator, destinations.client);
  } catch (thrown) {
    const { transient, retryAfterMs = 0, ...error } = classifyError(thrown);
    const destination = destinations.last() ?? job.destination;
    const verdict = transient ? mayRetry(job.attempts, retryUntil, services.retry) : undefined;
    if (verdict?.retry) {
      const down =
        destination !== null && (await services.breakers.failed(job.operatorId, destination, retryAfterMs));
      const retryAt = down
        ? parkedAt
        : Math.min(retryUntil, Date.now() + nextTryDelayMs(job.attempts, services.retry, retryAfterMs));
      const retrying: StepRecord = { ...step, status: "retrying", error };
      await bus.retryLater(job, retryAt, retrying, { retryUntil, destination, tried: true });
      return announce(retrying);
    }
    // A refusal from the destination itself (a 4xx) shows it is up; other errors say nothing about it.
    if (!transient && destination !== null && destination === destinations.last() && job.destination !== null)
      await services.breakers.answered(job.operatorId, destination);
    if (verdict && !verdict.retry) error.message += verdict.note;
    let outputs: Delivery[] = [];
    try {
      outputs = planOutputs(input, { error }, services.maxMessageBytes);
    } catch (outputError) {
      services.logger.warn(
        { appId: app.appId, actionId: action.actionId, err: classifyError(outputError) },
        "error output not sent",
      );
    }
    return finish({ status: "failed", error }, outputs);
  }
  if (job.destination !== null) await services.breakers.answered(job.operatorId, job.destination);

  try {
    const outputs = result.outputLater
      ? []
      : planOutputs(input, { result: result.result }, services.maxMessageBytes);
    return finish(
      { status: "completed", result: result.result, usage: result.usage ?? null },
      outputs,
      result.alsoWrite,
    );
  } catch (thrown) {
    const { transient: _, retryAfterMs: __, ...error } = classifyError(thrown);
    return finish({ status: "failed", result: result.result, usage: result.usage ?? null, error });
  }
}
