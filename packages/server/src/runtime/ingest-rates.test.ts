import { describe, expect, it } from "vitest";
import { readIngestRates } from "./ingest-rates.ts";

describe("an operator's ingest rates", () => {
  const plans: Record<string, { ingestBytesPerSecondPerDevice?: number }> = {
    OPPAID: { ingestBytesPerSecondPerDevice: 5_000 },
  };
  const ratesOf = (provider: {
    ingestBytesPerSecondPerDevice?: number;
    ingestBytesPerSecondPerOperator?: number;
  }) =>
    readIngestRates({
      planLimitsOf: async (operatorId) => plans[operatorId] ?? {},
      providerLimits: async () => provider,
      freshMs: 1_000,
    });

  it("are off when neither the plan nor the provider sets them", async () => {
    expect(await ratesOf({})("OPFREE", 0)).toEqual({ perDevice: undefined, perOperator: undefined });
  });

  it("come from the plan first, else from the provider's settings, limit by limit", async () => {
    const rates = ratesOf({ ingestBytesPerSecondPerDevice: 100, ingestBytesPerSecondPerOperator: 1_000 });
    expect(await rates("OPPAID", 0)).toEqual({ perDevice: 5_000, perOperator: 1_000 });
    expect(await rates("OPFREE", 0)).toEqual({ perDevice: 100, perOperator: 1_000 });
  });
});
