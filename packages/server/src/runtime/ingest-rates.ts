import type { IngestRates } from "./bandwidth-check.ts";
import { CachedReadings } from "./cached-readings.ts";

/** The ingest limits of a plan's `limits` or of the provider settings' `rateLimits`, bytes a second. */
interface IngestLimits {
  ingestBytesPerSecondPerDevice?: number | undefined;
  ingestBytesPerSecondPerOperator?: number | undefined;
}

/**
 * An operator's ingest rates: its plan's limits, else the provider's settings; neither set, no limit.
 * Both are read at most every `freshMs` (the plan per operator), so a changed plan or setting applies
 * within that time on every instance, and the source door costs no query for them.
 */
export function readIngestRates(deps: {
  planLimitsOf(operatorId: string): Promise<IngestLimits>;
  providerLimits(): Promise<IngestLimits>;
  freshMs: number;
}): (operatorId: string, now: number) => Promise<IngestRates> {
  const plans = new CachedReadings(deps.planLimitsOf, deps.freshMs);
  const provider = new CachedReadings(() => deps.providerLimits(), deps.freshMs);
  return async (operatorId, now) => {
    const [plan, settings] = await Promise.all([plans.get(operatorId, now), provider.get("", now)]);
    return {
      perDevice: plan.ingestBytesPerSecondPerDevice ?? settings.ingestBytesPerSecondPerDevice,
      perOperator: plan.ingestBytesPerSecondPerOperator ?? settings.ingestBytesPerSecondPerOperator,
    };
  };
}
