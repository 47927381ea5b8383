import type { Logger } from "pino";
import type { Job } from "../bus/bus.ts";
import { UserError } from "../errors.ts";
import type { Suspension } from "../store/store.ts";
import { BackgroundReading } from "./background-reading.ts";

/** How often every instance reads the suspended operators again: a suspension elsewhere is seen within this. */
const refreshMs = 1_000;

/**
 * Which operators are suspended [ToS 5.1.3], as this process last read them: the source door and the
 * worker ask for every event and job, so they read memory, refreshed each second from the database and
 * at once after a change made here.
 */
export class SuspendedOperators extends BackgroundReading<ReadonlyMap<string, Suspension>> {
  constructor(read: () => Promise<ReadonlyMap<string, Suspension>>, logger: Pick<Logger, "warn">) {
    super(read, new Map(), refreshMs, logger, "reading the suspended operators failed");
  }

  /** The source door's check: a suspended operator's events are refused with 403. */
  readonly check = (event: { operatorId: string }): void => {
    const suspension = this.value.get(event.operatorId);
    if (suspension) throw suspendedError(suspension);
  };

  /**
   * Wraps the worker's job handler: a suspended operator's job is set aside until the resume (neither
   * run, nor failed, nor lost); `setAside` answers false when the operator was resumed meanwhile.
   */
  holdJobs(
    run: (job: Job) => Promise<void>,
    setAside: (job: Job) => Promise<boolean>,
  ): (job: Job) => Promise<void> {
    return async (job) => {
      if (this.value.has(job.operatorId) && (await setAside(job))) return;
      await run(job);
    };
  }
}

/** 403 `operator_suspended`, naming the reason (and the provider's message) so the person knows why. */
export function suspendedError(suspension: Suspension): UserError {
  const words = suspension.message ? `: ${suspension.message}` : "";
  return new UserError(
    "operator_suspended",
    `this account is suspended (reason: ${suspension.reason})${words}; its apps are stopped and it accepts no events until the provider resumes it`,
  );
}
