import { useState } from "react";
import { suspensionReasons } from "../service/suspension.tsx";
import { Button } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Select } from "../ui/Select.tsx";
import { TextAreaField, TextField } from "../ui/TextField.tsx";
import { refusalReasons } from "./operator-status.ts";

/** The provider's decisions about an operator that need a reason or a value typed first. */
export type OperatorDecision = "refuse" | "suspend" | "terminate" | "operator-id";

export interface DecisionInput {
  reason: string;
  message: string;
  effectiveDate: string;
  operatorId: string;
}

const suspensionOptions = Object.entries(suspensionReasons).map(([value, label]) => ({ value, label }));

const titles: Record<OperatorDecision, { title: string; confirm: string }> = {
  refuse: { title: "Refuse the application", confirm: "Refuse" },
  suspend: { title: "Suspend the operator", confirm: "Suspend" },
  terminate: { title: "Terminate the contract", confirm: "Terminate" },
  "operator-id": { title: "Change the operator id", confirm: "Change operator id" },
};

/** One form for each decision: the reason from the terms' list (or typed), and what else it takes. */
export function OperatorActionDialog({
  decision,
  busy,
  error,
  onCancel,
  onConfirm,
}: {
  decision: OperatorDecision | undefined;
  busy: boolean;
  error: unknown;
  onCancel(): void;
  onConfirm(input: DecisionInput): void;
}) {
  const [input, setInput] = useState<DecisionInput>({
    reason: "",
    message: "",
    effectiveDate: "",
    operatorId: "",
  });
  const change = (field: keyof DecisionInput) => (event: { target: { value: string } }) =>
    setInput({ ...input, [field]: event.target.value });
  const text = decision ? titles[decision] : { title: "", confirm: "" };
  const reasons =
    decision === "refuse" ? refusalReasons : decision === "suspend" ? suspensionOptions : undefined;
  const ready = decision === "operator-id" ? /^OP\d{10}$/.test(input.operatorId) : input.reason !== "";
  return (
    <Dialog
      open={decision !== undefined}
      title={text.title}
      onClose={onCancel}
      onSubmit={() => ready && onConfirm(input)}
      actions={
        <>
          <Button onClick={onCancel}>Cancel</Button>
          <Button
            type="submit"
            variant={decision === "operator-id" ? "primary" : "danger"}
            disabled={busy || !ready}
          >
            {text.confirm}
          </Button>
        </>
      }
    >
      {error ? <ErrorBanner error={error} /> : null}
      {reasons ? (
        <Select
          label="Reason"
          value={input.reason}
          options={[{ value: "", label: "Choose a reason…" }, ...reasons]}
          onChange={change("reason")}
        />
      ) : null}
      {decision === "terminate" ? (
        <>
          <TextField label="Reason" value={input.reason} onChange={change("reason")} />
          <TextField
            label="Effective date"
            type="date"
            hint="Leave empty for the earliest date the terms allow."
            value={input.effectiveDate}
            onChange={change("effectiveDate")}
          />
        </>
      ) : null}
      {decision === "refuse" || decision === "suspend" ? (
        <TextAreaField
          label="Message to the operator"
          hint="Optional; the reason is always given."
          value={input.message}
          onChange={change("message")}
        />
      ) : null}
      {decision === "operator-id" ? (
        <TextField
          label="New operator id"
          hint="OP and 10 digits. Every record moves to it; the operator's sessions keep working."
          pattern="OP\d{10}"
          value={input.operatorId}
          onChange={change("operatorId")}
        />
      ) : null}
    </Dialog>
  );
}
