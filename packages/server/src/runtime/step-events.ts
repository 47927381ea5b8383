import { EventEmitter } from "node:events";
import type { StepRecord } from "../store/store.ts";

/** A step of a run changed in this process: started (not stored yet), or stored as retrying or final. */
export interface StepEvent {
  operatorId: string;
  appId: string;
  step: StepRecord;
}

/**
 * In-process notifications of step changes, for the live run stream. They are hints, not the record:
 * a listener re-reads the store, and another process's steps are seen by polling.
 */
export class StepEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit(event: StepEvent): void {
    this.emitter.emit(event.step.executionId, event);
  }

  /** Listens to one run's steps; returns the unsubscribe function. */
  subscribe(executionId: string, listener: (event: StepEvent) => void): () => void {
    this.emitter.on(executionId, listener);
    return () => this.emitter.off(executionId, listener);
  }
}
