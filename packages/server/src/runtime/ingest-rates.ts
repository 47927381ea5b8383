import type { IngestRates } from "./bandwidth-check.ts";
import { CachedReadings } from "./cached-readings.ts";

/** The ingest limits of a plan's `limits` or of the provider settings' `rateLimits`, bytes a second. */
interface IngestLimits {
  ingestBytesPerSecondPerDevice?: number | undefined;
  ingestBytesPerSecondPerOperator?: number | undefined;
}

/**
 * An operator's ingest rates: its plan's limits, else the provider's settings; neither set, no limit.
 * The plan is read at most every `freshMs` per operator, so a changed plan applies within that time on
 * every instance and the source door costs no query for it; the provider's settings come cached.
 */
export function readIngestRates(deps: {
  planLimitsOf(operatorId: string): Promise<IngestLimits>;
  /** Cached by the caller (ProviderStore.settings): called for every event. */
  providerLimits(): Promise<IngestLimits>;
  freshMs: number;
}): (operatorId: string, now: number) => Promise<IngestRates> {
  const plans = new CachedReadings(deps.planLimitsOf, deps.freshMs);
  return async (operatorId, now) => {
    const [plan, settings] = await Promise.all([plans.get(operatorId, now), deps.providerLimits()]);
    return {
      perDevice: plan.ingestBytesPerSecondPerDevice ?? settings.ingestBytesPerSecondPerDevice,
      perOperator: plan.ingestBytesPerSecondPerOperator ?? settings.ingestBytesPerSecondPerOperator,
    };
  };
}
