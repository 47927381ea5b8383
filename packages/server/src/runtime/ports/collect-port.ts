import type { WriteWithStep } from "../../bus/bus.ts";

/** What the collect action needs of the open batches: a write adding its message, committed with its step. */
export interface CollectPort {
  add(limits: { count: number; windowSeconds: number }, payloadText: string): WriteWithStep;
}
