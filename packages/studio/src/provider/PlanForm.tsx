import { useState } from "react";
import { Button } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { TextField } from "../ui/TextField.tsx";
import {
  type DraftProblems,
  limitFields,
  type OverageMetric,
  type PlanDraft,
  planOfDraft,
} from "./plan-draft.ts";
import type { PlanBody } from "./provider-api.ts";

const metricLabels: Record<OverageMetric, string> = { events: "Events", aiCredits: "AI credits" };

/** Creates or edits a plan: the fee and included amounts, overage blocks, limits and features. */
export function PlanForm({
  initial,
  editing,
  busy,
  error,
  onCancel,
  onSave,
}: {
  initial: PlanDraft;
  /** An existing plan keeps its id. */
  editing: boolean;
  busy: boolean;
  error: unknown;
  onCancel(): void;
  onSave(planId: string, body: PlanBody): void;
}) {
  const [draft, setDraft] = useState(initial);
  const [problems, setProblems] = useState<DraftProblems>({});
  const save = () => {
    const answer = planOfDraft(draft);
    if ("problems" in answer) return setProblems(answer.problems);
    setProblems({});
    onSave(answer.planId, answer.body);
  };
  const number = { inputMode: "numeric" as const };
  return (
    <Dialog
      open
      wide
      title={editing ? `Edit plan ${initial.name}` : "New plan"}
      onClose={onCancel}
      onSubmit={save}
      actions={
        <>
          <Button onClick={onCancel}>Cancel</Button>
          <Button type="submit" variant="primary" disabled={busy}>
            Save plan
          </Button>
        </>
      }
    >
      {error ? <ErrorBanner error={error} /> : null}
      <TextField
        label="Plan id"
        disabled={editing}
        value={draft.planId}
        error={problems.planId}
        onChange={(event) => setDraft({ ...draft, planId: event.target.value })}
      />
      <TextField
        label="Name"
        value={draft.name}
        error={problems.name}
        onChange={(event) => setDraft({ ...draft, name: event.target.value })}
      />
      <TextField
        label="Monthly fee"
        hint="In minor units of the currency (yen for JPY)."
        {...number}
        value={draft.monthlyFee}
        error={problems.monthlyFee}
        onChange={(event) => setDraft({ ...draft, monthlyFee: event.target.value })}
      />
      {(["events", "aiCredits"] as const).map((metric) => (
        <fieldset key={metric} className="cfx-plan-metric">
          <legend>{metricLabels[metric]}</legend>
          <TextField
            label={`${metricLabels[metric]} included a month`}
            {...number}
            value={draft.included[metric]}
            error={problems[`included.${metric}`]}
            onChange={(event) =>
              setDraft({ ...draft, included: { ...draft.included, [metric]: event.target.value } })
            }
          />
          <TextField
            label={`${metricLabels[metric]} overage block size`}
            hint="Empty with the price: nothing is billed beyond the included amount."
            {...number}
            value={draft.overage[metric].blockSize}
            error={problems[`overage.${metric}.blockSize`]}
            onChange={(event) =>
              setDraft({
                ...draft,
                overage: {
                  ...draft.overage,
                  [metric]: { ...draft.overage[metric], blockSize: event.target.value },
                },
              })
            }
          />
          <TextField
            label={`${metricLabels[metric]} price per block`}
            {...number}
            value={draft.overage[metric].pricePerBlock}
            error={problems[`overage.${metric}.pricePerBlock`]}
            onChange={(event) =>
              setDraft({
                ...draft,
                overage: {
                  ...draft.overage,
                  [metric]: { ...draft.overage[metric], pricePerBlock: event.target.value },
                },
              })
            }
          />
        </fieldset>
      ))}
      <fieldset className="cfx-plan-metric">
        <legend>Limits (empty: no limit)</legend>
        {limitFields.map(({ key, label }) => (
          <TextField
            key={key}
            label={label}
            {...number}
            value={draft.limits[key] ?? ""}
            error={problems[`limits.${key}`]}
            onChange={(event) =>
              setDraft({ ...draft, limits: { ...draft.limits, [key]: event.target.value } })
            }
          />
        ))}
      </fieldset>
      <TextField
        label="Features"
        hint="Plan-only features, separated by commas, e.g. timer.cron."
        value={draft.features}
        onChange={(event) => setDraft({ ...draft, features: event.target.value })}
      />
    </Dialog>
  );
}
