import { billingMonth, monthStart } from "../runtime/billing-month.ts";
import type { CreditedClaim, OutageCreditStore } from "../store/outage-credits.ts";
import type { ProviderStore } from "../store/provider.ts";
import type { TestClocks } from "../store/test-clocks.ts";
import { addMonths, type BillingMonth, daysInMonth } from "./calendar.ts";
import { type BilledPlan, billedPlan } from "./invoice-figures.ts";
import { outageCredit } from "./outage-credit.ts";

type PlansInForce = (operatorId: string, from: number, to: number) => Promise<BilledPlan[]>;

function creditDescription(claim: CreditedClaim): string {
  return `outage credit: ${claim.days} day${claim.days === 1 ? "" : "s"} of ${claim.outageMonth} (outage ${claim.outageId})`;
}

/**
 * Outage credits [15.2] (billing.md "Outage credit and liability cap"): ⌊plan line × days / days in
 * the month⌋ of the month the outage started, the month's credits together capped at that line.
 *
 * When: a claim's credit is worked out as it is made, from the outage month's plan line as it stands.
 * It lands on the outage month's invoice when that month has not ended, else on the invoice open at
 * the claim. Credits landing on their own outage month are worked out again as that invoice closes
 * (the plan line may still rise during the month), in the order the claims were made; from then on
 * no claim's credit changes.
 */
export class OutageCredits {
  constructor(
    private readonly store: OutageCreditStore,
    private readonly plansInForce: PlansInForce,
    private readonly provider: Pick<ProviderStore, "settings">,
    private readonly clocks: Pick<TestClocks, "nowFor">,
  ) {}

  private async planLine(operatorId: string, month: BillingMonth): Promise<number> {
    const zone = (await this.provider.settings()).billingTimeZone;
    const plans = await this.plansInForce(
      operatorId,
      monthStart(month, zone),
      monthStart(addMonths(month, 1), zone),
    );
    return billedPlan(plans).monthlyFee;
  }

  /** Works out a new claim's credit and the invoice it lands on, and records both with the claim. */
  async credit(operatorId: string, claimId: string): Promise<{ credit: number; invoiceMonth: BillingMonth }> {
    const claim = await this.store.claim(operatorId, claimId);
    if (!claim) throw new Error(`no claim ${claimId} of ${operatorId}`);
    const zone = (await this.provider.settings()).billingTimeZone;
    const current = billingMonth(await this.clocks.nowFor(operatorId), zone);
    // A month's invoice closes when the month ends: after that, the credit goes on the open one.
    const outageMonthEnded = claim.outageMonth < current;
    const invoiceMonth = outageMonthEnded ? current : claim.outageMonth;
    const creditedBefore = (await this.store.claimsOfOutageMonth(operatorId, claim.outageMonth))
      .filter((other) => other.claimId !== claimId)
      .reduce((sum, other) => sum + (other.credit ?? 0), 0);
    const credit = outageCredit({
      monthlyFee: await this.planLine(operatorId, claim.outageMonth),
      days: claim.days,
      daysInMonth: daysInMonth(claim.outageMonth),
      creditedBefore,
    });
    await this.store.setCredit(claimId, credit, invoiceMonth);
    return { credit, invoiceMonth };
  }

  /** Before `month`'s invoice closes: its own outages' credits again, from its final plan line. */
  async settle(operatorId: string, month: BillingMonth): Promise<void> {
    const claims = (await this.store.claimsOfOutageMonth(operatorId, month)).filter(
      (claim) => claim.invoiceMonth === month,
    );
    if (claims.length === 0) return;
    const monthlyFee = await this.planLine(operatorId, month);
    let creditedBefore = 0;
    for (const claim of claims) {
      const credit = outageCredit({
        monthlyFee,
        days: claim.days,
        daysInMonth: daysInMonth(month),
        creditedBefore,
      });
      creditedBefore += credit;
      if (credit !== claim.credit) await this.store.setCredit(claim.claimId, credit, month);
    }
  }

  /** The credits on the invoice of `month`, as the invoice lines need them. */
  async creditsOn(
    operatorId: string,
    month: BillingMonth,
  ): Promise<Array<{ description: string; amount: number }>> {
    return (await this.store.creditsOn(operatorId, month)).map((claim) => ({
      description: creditDescription(claim),
      amount: claim.credit ?? 0,
    }));
  }
}
