import { availableParallelism } from "node:os";
import type { Outcome } from "./evaluate.ts";
import { SandboxThread } from "./sandbox-thread.ts";
import type { WorkerRequest } from "./worker.ts";

export interface SandboxPoolSize {
  /** Threads that run user code at once in this process. */
  threads: number;
  /** Of those, how many one operator's runs may hold at once; the rest of its runs wait in its own queue. */
  threadsPerOperator: number;
}

/**
 * The longest one operator's runs may wait for a thread, counting each waiting run at its time limit.
 * Past that a run is refused as busy (the runtime tries it again later) instead of waiting: a waiting
 * run holds one of the runtime's slots for actions and its job's lease, so an operator with hundreds
 * of slow runs queued would take every slot from other operators, and runs waiting past their lease
 * (60 s by default) would be claimed again. Runs of the default 1 s limit may queue 30 deep per thread,
 * endless loops of the longest limit (10 s) 3 deep.
 */
const MAX_WAIT_MS = 30_000;

/** The operator already has as many runs waiting as it may: try again later. */
export class SandboxBusyError extends Error {
  constructor(readonly waiting: number) {
    super(`${waiting} runs of this operator's code are already waiting for a sandbox thread`);
  }
}

/** The worst case of a queue: every run using its whole time limit, on the operator's share of threads. */
function worstWaitMs(queue: Waiting[], threads: number): number {
  let total = 0;
  for (const { request } of queue) total += request.limits.timeoutMs;
  return total / threads;
}

/**
 * By default sized to the machine, but never one thread: with one, a single operator's endless loops
 * would hold every run of every other operator behind them for their whole time limit. An operator
 * gets half the threads by default, so one operator's runs alone never hold them all.
 */
export function sandboxPoolSize(requested: Partial<SandboxPoolSize> = {}): SandboxPoolSize {
  const threads = requested.threads ?? Math.max(2, availableParallelism());
  const threadsPerOperator = Math.min(
    threads,
    requested.threadsPerOperator ?? Math.max(1, Math.floor(threads / 2)),
  );
  return { threads, threadsPerOperator };
}

interface Waiting {
  request: WorkerRequest;
  resolve(outcome: Outcome): void;
  reject(error: unknown): void;
}

/**
 * The threads that run `code` actions, shared fairly between operators: each operator has its own
 * queue and may hold at most `threadsPerOperator` threads, and a thread that comes free serves the
 * next operator in turn (round robin over the operators that have runs waiting), not the oldest run.
 * So an operator who queues many slow runs delays only its own.
 */
export class SandboxPool {
  #size: SandboxPoolSize;
  readonly #idle: SandboxThread[] = [];
  #started = 0;
  /** Operators with runs waiting, in the order they are served next (a Map keeps insertion order). */
  readonly #waiting = new Map<string, Waiting[]>();
  readonly #running = new Map<string, number>();

  constructor(size: SandboxPoolSize = sandboxPoolSize()) {
    this.#size = size;
  }

  /** Takes effect for the runs that start from now on; threads beyond a smaller size are dropped when they come free. */
  resize(size: SandboxPoolSize): void {
    this.#size = size;
    while (this.#started > size.threads && this.#idle.length) {
      this.#idle.pop()?.close();
      this.#started--;
    }
    this.#dispatch();
  }

  run(operatorId: string, request: WorkerRequest): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      const queue = this.#waiting.get(operatorId);
      if (queue && worstWaitMs(queue, this.#size.threadsPerOperator) >= MAX_WAIT_MS)
        return reject(new SandboxBusyError(queue.length));
      const waiting = { request, resolve, reject };
      if (queue) queue.push(waiting);
      else this.#waiting.set(operatorId, [waiting]);
      this.#dispatch();
    });
  }

  #dispatch(): void {
    for (;;) {
      const next = this.#nextOperator();
      if (next === undefined) return;
      const thread = this.#takeThread();
      if (!thread) return;
      const queue = this.#waiting.get(next) as Waiting[];
      const waiting = queue.shift() as Waiting;
      // Served: to the back of the line, so every other operator with work waiting goes first.
      this.#waiting.delete(next);
      if (queue.length) this.#waiting.set(next, queue);
      this.#running.set(next, (this.#running.get(next) ?? 0) + 1);
      thread
        .request(waiting.request)
        .then(waiting.resolve, waiting.reject)
        .finally(() => {
          const left = (this.#running.get(next) ?? 1) - 1;
          if (left) this.#running.set(next, left);
          else this.#running.delete(next);
          this.#giveBack(thread);
          this.#dispatch();
        });
    }
  }

  /** The first operator in turn that is under its share of threads. */
  #nextOperator(): string | undefined {
    for (const operatorId of this.#waiting.keys())
      if ((this.#running.get(operatorId) ?? 0) < this.#size.threadsPerOperator) return operatorId;
    return undefined;
  }

  #takeThread(): SandboxThread | undefined {
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#started >= this.#size.threads) return undefined;
    this.#started++;
    return new SandboxThread();
  }

  #giveBack(thread: SandboxThread): void {
    if (this.#started <= this.#size.threads) this.#idle.push(thread);
    else {
      this.#started--;
      thread.close();
    }
  }
}
