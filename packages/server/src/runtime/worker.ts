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
  private pumpAgain = false;
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
    this.unsubscribe = this.bus.onWork(() => void this.pump());
    this.timer = setInterval(() => void this.pump(), this.options.pollMs);
    void this.pump();
  }

  /** Stops claiming and waits for the jobs in flight; unfinished ones are released by their lease. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    this.unsubscribe?.();
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (this.running) {
          const free = this.options.concurrency - this.inFlight.size;
          if (free <= 0) break;
          const jobs = await this.bus.claim(Math.min(free, 100), this.options.leaseMs);
          for (const job of jobs) this.track(job);
          if (jobs.length < Math.min(free, 100)) break;
        }
      } while (this.pumpAgain && this.running);
    } catch (error) {
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
        if (this.running) void this.pump();
      });
    this.inFlight.add(run);
  }
}
