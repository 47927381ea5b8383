import type { BandwidthLeases } from "../store/bandwidth-leases.ts";
import { Refused } from "./admission.ts";
import type { DoorCheck } from "./source-door.ts";

/** Ingest bytes a second an operator may send; a limit left out is off. */
export interface IngestRates {
  perDevice?: number | undefined;
  perOperator?: number | undefined;
}

/** A bucket holds one second's worth of its rate: what may arrive at once after a quiet spell. */
const burstSeconds = 1;

/**
 * Bandwidth control [ToS 5.1.2] as a check of the source door: an event's bytes are taken from its
 * device's bucket, then from its operator's (store/bandwidth-buckets.ts, shared by the instances); when
 * either has too little, the event is refused (429 `rate_limited`) with the time until the bucket holds
 * enough as Retry-After, so nothing accepted is ever dropped. Bytes the device's bucket granted are given
 * back when the operator's refuses. Timer ticks and file events carry no ingested bytes and pass.
 */
export function bandwidthCheck(deps: {
  /** Cached: called for every event. */
  ratesOf(operatorId: string, now: number): Promise<IngestRates>;
  leases: BandwidthLeases;
}): DoorCheck {
  const { leases } = deps;
  const rateOf = (bytesPerSecond: number) => ({ bytesPerSecond, burstBytes: bytesPerSecond * burstSeconds });
  const refuse = (what: string, bytesPerSecond: number, waitMs: number): never => {
    const seconds = Math.max(1, Math.ceil(waitMs / 1_000));
    throw new Refused(
      "rate_limited",
      `${what} more than ${bytesPerSecond} bytes a second; send again in ${seconds} s`,
      seconds,
    );
  };
  return async (event, now) => {
    if (event.source === "timer" || event.source === "file") return;
    const { perDevice, perOperator } = await deps.ratesOf(event.operatorId, now);
    const { operatorId, deviceId, bytes } = event;
    const deviceBucket = perDevice && deviceId ? `device:${deviceId}` : undefined;
    if (deviceBucket && perDevice) {
      const decision = await leases.take(operatorId, deviceBucket, bytes, rateOf(perDevice), now);
      if (!decision.granted) refuse(`device ${deviceId} sends`, perDevice, decision.waitMs);
    }
    if (!perOperator) return;
    const decision = await leases.take(operatorId, "operator", bytes, rateOf(perOperator), now);
    if (decision.granted) return;
    if (deviceBucket) leases.giveBack(operatorId, deviceBucket, bytes);
    refuse("your sources together send", perOperator, decision.waitMs);
  };
}
