import { Worker } from "node:worker_threads";
import type { Outcome } from "./evaluate.ts";
import type { WorkerMessage, WorkerRequest } from "./worker.ts";

/** How long past its own time limit a run may take (cleaning up included) before its thread is killed. */
const OVERRUN_GRACE_MS = 1_000;
const WORKER_URL = new URL("./worker-entry.mjs", import.meta.url);

type Settle = (event: { outcome: Outcome } | { error: Error }) => void;

/**
 * One worker thread that runs user code, one request at a time in arrival order. It is started on
 * first use, holds the process open only while it works, and is replaced after it was killed for
 * overrunning or has crashed.
 */
export class SandboxThread {
  /** The current thread, from the moment it is created; `#ready` settles once QuickJS is loaded in it. */
  #worker: Worker | undefined;
  #ready: Promise<Worker> | undefined;
  #settle: Settle | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  request(request: WorkerRequest): Promise<Outcome> {
    const outcome = this.#queue.then(() => this.#send(request));
    this.#queue = outcome.catch(() => undefined);
    return outcome;
  }

  async #send(request: WorkerRequest): Promise<Outcome> {
    const worker = await this.#start();
    worker.ref();
    try {
      return await new Promise<Outcome>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.#settle = undefined;
          this.#discard(worker);
          const message = `the code ran longer than its limit of ${request.limits.timeoutMs} ms and was stopped`;
          resolve({ ok: false, code: "code_timeout", message, logs: [], fatal: true });
        }, request.limits.timeoutMs + OVERRUN_GRACE_MS);
        this.#settle = (event) => {
          clearTimeout(timer);
          this.#settle = undefined;
          if ("error" in event) return reject(event.error);
          if (!event.outcome.ok && event.outcome.fatal) this.#discard(worker);
          resolve(event.outcome);
        };
        worker.postMessage(request);
      });
    } finally {
      worker.unref();
    }
  }

  #start(): Promise<Worker> {
    if (this.#ready) return this.#ready;
    // Not unref'd while starting: a process waiting only for this request must not exit meanwhile.
    const worker = new Worker(WORKER_URL);
    this.#worker = worker;
    this.#ready = new Promise<Worker>((resolve, reject) => {
      let loaded = false;
      worker.on("message", (message: WorkerMessage) => {
        if (this.#worker !== worker) return;
        if (message !== "ready") this.#settle?.({ outcome: message });
        else {
          loaded = true;
          resolve(worker);
        }
      });
      // An error event is followed by an exit event; the first one settles a waiting request.
      const stopped = (error: Error) => {
        if (this.#worker !== worker) return; // discarded already
        this.#worker = undefined;
        this.#ready = undefined;
        if (loaded) this.#settle?.({ error });
        else reject(error);
      };
      worker.on("error", stopped);
      worker.on("exit", (exitCode) =>
        stopped(new Error(`the sandbox thread stopped (exit code ${exitCode})`)),
      );
    });
    return this.#ready;
  }

  /** Ends the thread; a request after this starts a new one. */
  close(): void {
    if (this.#worker) this.#discard(this.#worker);
  }

  #discard(worker: Worker): void {
    if (this.#worker === worker) {
      this.#worker = undefined;
      this.#ready = undefined;
    }
    void worker.terminate();
  }
}
