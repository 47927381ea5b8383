import { useState } from "react";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { TrailingBadge } from "../ui/Badge.tsx";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Notice } from "../ui/Notice.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { useToast } from "../ui/Toast.tsx";
import { describeIncluded, describeLimits, isUpgrade } from "./plan-terms.ts";
import { type Plan, useServiceApi } from "./service-api.ts";

/** The provider's plans and the operator's own, current and pending; the root user changes it. */
export function PlanPage() {
  const api = useServiceApi();
  const toast = useToast();
  const plans = useLoad(() => api.listPlans(), [api]);
  const mine = useLoad(() => api.getPlan(), [api]);
  const [choosing, setChoosing] = useState<Plan>();
  const changing = useAction();
  const nameOf = (planId: string) => plans.data?.find((plan) => plan.planId === planId)?.name ?? planId;
  const current = plans.data?.find((plan) => plan.planId === mine.data?.planId);

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
    });

  const error = plans.error ?? mine.error;
  return (
    <Page title="Plan">
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
      {mine.data ? (
        <p>
          Your plan: <strong data-testid="current-plan">{nameOf(mine.data.planId)}</strong>
        </p>
      ) : null}
      {mine.data?.pendingPlanId ? (
        <Notice>
          From {mine.data.pendingFrom}, your plan is {nameOf(mine.data.pendingPlanId)}.
        </Notice>
      ) : null}
      <p className="cfx-muted">
        An upgrade (a higher monthly fee) applies at once to this whole month; a downgrade applies from the
        first day of next month, and is refused while you use something the lower plan does not offer.
      </p>
      <Table
        caption="Plans"
        rows={plans.data ?? []}
        rowKey={(plan) => plan.planId}
        empty={plans.loading ? "Loading…" : "No plans."}
        columns={[
          {
            header: "Plan",
            cell: (plan) => (
              <>
                {plan.name}
                {plan.planId === mine.data?.planId ? <TrailingBadge>current</TrailingBadge> : null}
                {plan.planId === mine.data?.pendingPlanId ? (
                  <TrailingBadge tone="warning">next</TrailingBadge>
                ) : null}
              </>
            ),
          },
          { header: "Monthly fee", cell: (plan) => plan.monthlyFee.toLocaleString() },
          { header: "Included a month", cell: describeIncluded },
          { header: "Limits", cell: (plan) => describeLimits(plan.limits) },
          { header: "Features", cell: (plan) => plan.features.join(", ") || "—" },
          {
            header: "Actions",
            visuallyHiddenHeader: true,
            cell: (plan) =>
              plan.planId === mine.data?.planId || !mine.data ? null : (
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
        <p>
          {choosing && isUpgrade(current, choosing)
            ? "An upgrade: it applies at once, and this month is billed at its fee."
            : "A downgrade: it applies from the first day of next month."}
        </p>
      </ConfirmDialog>
    </Page>
  );
}
