import type { Logger } from "pino";
import type { Bus, Job } from "../bus/bus.ts";

export interface WorkerOptions {
  /** Jobs in flight at once: actions mostly wait on I/O, so this is far above the core count. */
  concurrency: number;
  leaseMs: number;
  /** How often to look for due jobs nobody announced (delays, retries, other processes). */
  pollMs: number;
}

/** Claims due jobs from the bus and runs them, at most `concurrency` at a time. */
export class Worker {
  private readonly inFlight = new Set<Promise<void>>();
  private running = false;
  private pumping = false;
  private workMayBeDue = true;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly bus: Bus,
    private readonly handle: (job: Job) => Promise<void>,
    private readonly options: WorkerOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.running = true;
    const announce = () => {
      this.workMayBeDue = true;
      void this.pump();
    };
    this.unsubscribe = this.bus.onWork(announce);
    this.timer = setInterval(announce, this.options.pollMs);
    void this.pump();
  }

  /** Stops claiming and waits for the jobs in flight; unfinished ones are released by their lease. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    this.unsubscribe?.();
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Claims while work may be due and slots are free; the flag saves a claim query per finished job. */
  private async pump(): Promise<void> {
    if (this.pumping) return; // the loop below sees the flag again
    this.pumping = true;
    try {
      while (this.running && this.workMayBeDue) {
        const free = this.options.concurrency - this.inFlight.size;
        if (free <= 0) return; // a finishing job pumps again
        const wanted = Math.min(free, 100);
        this.workMayBeDue = false;
        const jobs = await this.bus.claim(wanted, this.options.leaseMs);
        for (const job of jobs) this.track(job);
        if (jobs.length === wanted) this.workMayBeDue = true;
      }
    } catch (error) {
      this.workMayBeDue = true;
      this.logger.error({ err: error }, "claiming jobs failed");
    } finally {
      this.pumping = false;
    }
  }

  private track(job: Job): void {
    const run = this.handle(job)
      .catch((error: unknown) => {
        // The lease runs out and the job is tried again; the history keeps one step for it.
        this.logger.error({ err: error, jobId: job.jobId }, "job failed unexpectedly");
      })
      .finally(() => {
        this.inFlight.delete(run);
        if (this.running && this.workMayBeDue) void this.pump();
      });
    this.inFlight.add(run);
  }
}
