import { useState } from "react";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Select } from "../ui/Select.tsx";
import { useToast } from "../ui/Toast.tsx";
import { useProviderApi } from "./provider-api.ts";

/** An operator's plan (the provider's change applies at once) and its partnership. */
export function OperatorPlanSection({ operatorId }: { operatorId: string }) {
  const api = useProviderApi();
  const toast = useToast();
  const plan = useLoad(() => api.getOperatorPlan(operatorId), [api, operatorId]);
  const plans = useLoad(() => api.listPlans(), [api]);
  const [chosenPlan, setChosenPlan] = useState("");
  // What this page set last: the provider's API answers whether an operator is a partner only when set.
  const [partner, setPartner] = useState<boolean>();
  const action = useAction();

  const setPlan = () =>
    action.run(async () => {
      plan.setData(await api.setOperatorPlan(operatorId, chosenPlan));
      toast.show(`${operatorId} is on ${chosenPlan}`);
    });
  const changePartner = (next: boolean) =>
    action.run(async () => {
      await api.setPartner(operatorId, next);
      setPartner(next);
      toast.show(next ? `${operatorId} is a partner` : `${operatorId} is no longer a partner`);
    });

  return (
    <>
      <h2>Plan</h2>
      {(plan.error ?? plans.error) ? (
        <ErrorBanner error={plan.error ?? plans.error} onRetry={plan.reload} />
      ) : null}
      {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
      {plan.data ? (
        <p>
          On <strong data-testid="operator-plan">{plan.data.planId}</strong>
          {plan.data.pendingPlanId
            ? ` (${plan.data.pendingPlanId} from ${plan.data.pendingFrom ?? "next month"})`
            : ""}
        </p>
      ) : null}
      <div className="cfx-row cfx-filters">
        <Select
          label="Set the plan"
          hint="The provider's change applies at once."
          value={chosenPlan}
          options={[
            { value: "", label: "Choose a plan…" },
            ...(plans.data ?? []).map((candidate) => ({ value: candidate.planId, label: candidate.name })),
          ]}
          onChange={(event) => setChosenPlan(event.target.value)}
        />
        <Button disabled={action.busy || !chosenPlan} onClick={() => void setPlan()}>
          Set plan
        </Button>
      </div>
      <h2>Partner</h2>
      <p className="cfx-muted">
        A partner creates customer operators and acts as them.
        {partner === undefined
          ? ""
          : partner
            ? " This operator is a partner now."
            : " This operator is not a partner now."}
      </p>
      <div className="cfx-row">
        <Button disabled={action.busy} onClick={() => void changePartner(true)}>
          Make a partner
        </Button>
        <Button disabled={action.busy} onClick={() => void changePartner(false)}>
          End the partnership
        </Button>
      </div>
    </>
  );
}
