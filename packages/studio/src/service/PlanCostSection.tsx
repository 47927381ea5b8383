import { useState } from "react";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { TrailingBadge } from "../ui/Badge.tsx";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Table } from "../ui/Table.tsx";
import { useToast } from "../ui/Toast.tsx";
import { money } from "./money.ts";
import { describePlanChangeCost, planChangeCost } from "./plan-change-cost.ts";
import { type Plan, useServiceApi } from "./service-api.ts";

/** Each plan's fee and what changing to it costs this month and from when; the root user changes. */
export function PlanCostSection({ thisMonth, onChanged }: { thisMonth: string; onChanged(): void }) {
  const api = useServiceApi();
  const toast = useToast();
  const plans = useLoad(() => api.listPlans(), [api]);
  const mine = useLoad(() => api.getPlan(), [api]);
  const [choosing, setChoosing] = useState<Plan>();
  const changing = useAction();
  const current = plans.data?.find((plan) => plan.planId === mine.data?.planId);
  const costOf = (plan: Plan) => planChangeCost(current, plan, thisMonth);

  const change = () =>
    changing.run(async () => {
      const plan = choosing;
      setChoosing(undefined);
      if (!plan) return;
      const answer = await api.changePlan(plan.planId);
      mine.setData(answer);
      toast.show(
        answer.planId === plan.planId
          ? `Your plan is now ${plan.name}`
          : `You move to ${plan.name} on ${answer.pendingFrom ?? "the first day of next month"}`,
      );
      onChanged();
    });

  const error = plans.error ?? mine.error;
  return (
    <section className="cfx-stack" aria-labelledby="plan-cost-title">
      <h2 id="plan-cost-title">Change plan</h2>
      {error ? (
        <ErrorBanner
          error={error}
          onRetry={() => {
            plans.reload();
            mine.reload();
          }}
        />
      ) : null}
      {changing.error ? <ErrorBanner error={changing.error} onDismiss={changing.clearError} /> : null}
      <Table
        caption="What each plan costs"
        rows={mine.data ? (plans.data ?? []) : []}
        rowKey={(plan) => plan.planId}
        empty={plans.loading || mine.loading ? "Loading…" : "No plans."}
        columns={[
          {
            header: "Plan",
            cell: (plan) => (
              <>
                {plan.name}
                {plan.planId === mine.data?.pendingPlanId ? (
                  <TrailingBadge tone="warning">from {mine.data.pendingFrom}</TrailingBadge>
                ) : null}
              </>
            ),
          },
          { header: "Monthly fee", cell: (plan) => money(plan.monthlyFee) },
          {
            header: "Cost of the change",
            cell: (plan) => (
              <span data-testid={`cost-${plan.planId}`}>{describePlanChangeCost(costOf(plan))}</span>
            ),
          },
          {
            header: "Actions",
            visuallyHiddenHeader: true,
            cell: (plan) =>
              costOf(plan).when === "current" ? null : (
                <Button
                  size="small"
                  aria-label={`Change to ${plan.name}`}
                  disabled={changing.busy}
                  onClick={() => setChoosing(plan)}
                >
                  Change to this plan
                </Button>
              ),
          },
        ]}
      />
      <ConfirmDialog
        open={choosing !== undefined}
        title={`Change to ${choosing?.name ?? ""}?`}
        confirmLabel="Change plan"
        busy={changing.busy}
        onCancel={() => setChoosing(undefined)}
        onConfirm={() => void change()}
      >
        <p>{choosing ? describePlanChangeCost(costOf(choosing)) : null}</p>
      </ConfirmDialog>
    </section>
  );
}
