/** An event a source is about to accept, as the door's checks see it. */
export interface EventAtTheDoor {
  operatorId: string;
  source: "api" | "webhook" | "device" | "timer" | "file";
  /** Size of the message as received, for bandwidth control. */
  bytes: number;
  deviceId?: string;
  /** False for device data that only goes to the data store: it is ingest, but not an event (no run). */
  startsRun: boolean;
}

/**
 * One reason to refuse an event: throws `Refused` (admission.ts: 429/503 with Retry-After) or a
 * `UserError` (403 operator_suspended, 429 quota_exceeded). Runs for every event a source receives,
 * so it reads caches or one indexed row, never scans.
 */
export type DoorCheck = (event: EventAtTheDoor, now: number) => void | Promise<void>;

/**
 * The door every event source passes before it accepts an event, so that what is accepted is
 * processed (nothing is dropped after the 202): the backlog's bound, the operator's standing, its
 * quotas and its bandwidth. The composition root lists the checks; the first refusal answers.
 */
export class SourceDoor {
  constructor(private readonly checks: readonly DoorCheck[]) {}

  async enter(event: EventAtTheDoor, now = Date.now()): Promise<void> {
    for (const check of this.checks) await check(event, now);
  }
}
