import { useState } from "react";
import { describeIncluded, describeLimits } from "../service/plan-terms.ts";
import type { Plan } from "../service/service-api.ts";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { useToast } from "../ui/Toast.tsx";
import { PlanForm } from "./PlanForm.tsx";
import { draftOfPlan } from "./plan-draft.ts";
import { useProviderApi } from "./provider-api.ts";

/** The price list: every plan operators may choose; `developer` is built in and cannot be deleted. */
export function PlansPage() {
  const api = useProviderApi();
  const toast = useToast();
  const plans = useLoad(() => api.listPlans(), [api]);
  const [editing, setEditing] = useState<{ plan?: Plan }>();
  const [deleting, setDeleting] = useState<Plan>();
  const saving = useAction();
  const action = useAction();

  const close = () => {
    setEditing(undefined);
    saving.clearError();
  };
  return (
    <Page
      title="Plans"
      toolbar={
        <Button variant="primary" onClick={() => setEditing({})}>
          New plan
        </Button>
      }
    >
      {plans.error ? <ErrorBanner error={plans.error} onRetry={plans.reload} /> : null}
      {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
      <Table
        caption="Plans"
        rows={plans.data ?? []}
        rowKey={(plan) => plan.planId}
        empty={plans.loading ? "Loading…" : "No plans."}
        columns={[
          { header: "Plan", cell: (plan) => `${plan.name} (${plan.planId})` },
          { header: "Monthly fee", cell: (plan) => plan.monthlyFee.toLocaleString() },
          { header: "Included a month", cell: describeIncluded },
          { header: "Limits", cell: (plan) => describeLimits(plan.limits) },
          { header: "Features", cell: (plan) => plan.features.join(", ") || "—" },
          {
            header: "Actions",
            visuallyHiddenHeader: true,
            cell: (plan) => (
              <div className="cfx-row">
                <Button
                  size="small"
                  aria-label={`Edit plan ${plan.name}`}
                  onClick={() => setEditing({ plan })}
                >
                  Edit
                </Button>
                {plan.planId === "developer" ? null : (
                  <Button
                    size="small"
                    variant="danger"
                    aria-label={`Delete plan ${plan.name}`}
                    onClick={() => setDeleting(plan)}
                  >
                    Delete
                  </Button>
                )}
              </div>
            ),
          },
        ]}
      />
      {editing ? (
        <PlanForm
          initial={draftOfPlan(editing.plan)}
          editing={editing.plan !== undefined}
          busy={saving.busy}
          error={saving.error}
          onCancel={close}
          onSave={(planId, body) =>
            void saving.run(async () => {
              const saved = await api.putPlan(planId, body);
              close();
              toast.show(`Saved plan ${saved.name}`);
              plans.reload();
            })
          }
        />
      ) : null}
      <ConfirmDialog
        open={deleting !== undefined}
        title="Delete plan?"
        confirmLabel="Delete plan"
        danger
        busy={action.busy}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() =>
          void action.run(async () => {
            const plan = deleting;
            setDeleting(undefined);
            if (!plan) return;
            await api.deletePlan(plan.planId);
            toast.show(`Deleted plan ${plan.name}`);
            plans.reload();
          })
        }
      >
        <p>{deleting?.name} can be deleted only while no operator is on it.</p>
      </ConfirmDialog>
    </Page>
  );
}
