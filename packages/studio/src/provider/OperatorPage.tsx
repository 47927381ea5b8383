import { useState } from "react";
import { describeSuspensionReason } from "../service/suspension.tsx";
import { useRouter } from "../shell/router.tsx";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { StatusBadge } from "../ui/Table.tsx";
import { SecondsTime } from "../ui/Time.tsx";
import { useToast } from "../ui/Toast.tsx";
import { type DecisionInput, OperatorActionDialog, type OperatorDecision } from "./OperatorActionDialog.tsx";
import { OperatorPlanSection } from "./OperatorPlanSection.tsx";
import { OperatorUsageSection } from "./OperatorUsageSection.tsx";
import { useProviderApi } from "./provider-api.ts";
import { providerPathOf } from "./provider-routes.ts";

/** One operator: its standing and the provider's decisions about it, then its plan, partnership and usage. */
export function OperatorPage({ operatorId }: { operatorId: string }) {
  const api = useProviderApi();
  const toast = useToast();
  const { navigate } = useRouter();
  const operator = useLoad(() => api.getOperator(operatorId), [api, operatorId]);
  const [decision, setDecision] = useState<OperatorDecision>();
  const action = useAction();
  const deciding = useAction();

  const act = (done: string, work: () => Promise<unknown>) =>
    action.run(async () => {
      await work();
      toast.show(done);
      operator.reload();
    });
  const decide = (input: DecisionInput) =>
    deciding.run(async () => {
      const message = input.message.trim() || undefined;
      if (decision === "refuse") await api.refuseOperator(operatorId, input.reason, message);
      if (decision === "suspend") await api.suspendOperator(operatorId, input.reason, message);
      if (decision === "terminate") {
        const answer = await api.terminateOperator(
          operatorId,
          input.reason,
          input.effectiveDate || undefined,
        );
        toast.show(`Terminating ${operatorId}${answer?.effectiveDate ? ` on ${answer.effectiveDate}` : ""}`);
      }
      if (decision === "operator-id") {
        await api.changeOperatorId(operatorId, input.operatorId);
        setDecision(undefined);
        toast.show(`${operatorId} is now ${input.operatorId}`);
        navigate(providerPathOf({ page: "operator", operatorId: input.operatorId }), { replace: true });
        return;
      }
      if (decision !== "terminate")
        toast.show(`${decision === "refuse" ? "Refused" : "Suspended"} ${operatorId}`);
      setDecision(undefined);
      operator.reload();
    });

  const current = operator.data;
  const busy = action.busy || deciding.busy;
  return (
    <Page title={`Operator ${operatorId}`}>
      {operator.error ? <ErrorBanner error={operator.error} onRetry={operator.reload} /> : null}
      {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
      {current ? (
        <>
          <dl className="cfx-terms">
            <dt>E-mail</dt>
            <dd>{current.email}</dd>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={current.status} />
              {current.statusReason ? (
                <span data-testid="status-reason">
                  {" "}
                  {current.status === "suspended"
                    ? describeSuspensionReason(current.statusReason)
                    : current.statusReason}
                </span>
              ) : null}
            </dd>
            <dt>Signed up</dt>
            <dd>
              <SecondsTime value={current.createDateTime} />
            </dd>
            {current.partnerOperatorId ? (
              <>
                <dt>Customer of partner</dt>
                <dd>{current.partnerOperatorId}</dd>
              </>
            ) : null}
          </dl>
          <div className="cfx-row">
            {current.status === "pending" ? (
              <>
                <Button
                  variant="primary"
                  disabled={busy}
                  onClick={() => void act(`Accepted ${operatorId}`, () => api.acceptOperator(operatorId))}
                >
                  Accept
                </Button>
                <Button variant="danger" disabled={busy} onClick={() => setDecision("refuse")}>
                  Refuse
                </Button>
              </>
            ) : null}
            {current.status === "active" ? (
              <Button variant="danger" disabled={busy} onClick={() => setDecision("suspend")}>
                Suspend
              </Button>
            ) : null}
            {current.status === "suspended" ? (
              <Button
                variant="primary"
                disabled={busy}
                onClick={() => void act(`Resumed ${operatorId}`, () => api.resumeOperator(operatorId))}
              >
                Resume
              </Button>
            ) : null}
            {current.status === "active" || current.status === "suspended" ? (
              <Button variant="danger" disabled={busy} onClick={() => setDecision("terminate")}>
                Terminate
              </Button>
            ) : null}
            <Button disabled={busy} onClick={() => setDecision("operator-id")}>
              Change operator id
            </Button>
          </div>
          <OperatorPlanSection operatorId={operatorId} />
          <OperatorUsageSection operatorId={operatorId} />
        </>
      ) : operator.loading ? (
        <p className="cfx-muted">Loading…</p>
      ) : null}
      <OperatorActionDialog
        key={decision ?? "none"}
        decision={decision}
        busy={deciding.busy}
        error={deciding.error}
        onCancel={() => {
          setDecision(undefined);
          deciding.clearError();
        }}
        onConfirm={(input) => void decide(input)}
      />
    </Page>
  );
}
