import { type FormEvent, useState } from "react";
import { useAction } from "../shell/use-action.ts";
import { Button } from "../ui/Button.tsx";
import { CheckboxField } from "../ui/CheckboxField.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { TextField } from "../ui/TextField.tsx";
import { useToast } from "../ui/Toast.tsx";
import type { Quotas, QuotasChange } from "./service-api.ts";

type Metric = keyof Quotas;

const metrics: { metric: Metric; label: string; capLabel: string; hint: string }[] = [
  {
    metric: "events",
    label: "Events a month",
    capLabel: "Cap on events a month",
    hint: "When reached, event sources answer 429 quota_exceeded until the month ends.",
  },
  {
    metric: "aiCredits",
    label: "AI credits a month",
    capLabel: "Cap on AI credits a month",
    hint: "When reached, AI actions fail with quota_exceeded.",
  },
];

/** A draft cap: "no cap", or the number as typed. */
type Draft = Record<Metric, { none: boolean; amount: string }>;

function draftOf(quotas: Quotas): Draft {
  const entry = (value: number | undefined) => ({ none: value === undefined, amount: String(value ?? "") });
  return { events: entry(quotas.events), aiCredits: entry(quotas.aiCredits) };
}

/** Both fields are sent: a number sets the cap, `null` removes it (billing.md). */
function changeOf(draft: Draft): QuotasChange {
  const value = (entry: Draft[Metric]) => (entry.none ? null : Number(entry.amount));
  return { events: value(draft.events), aiCredits: value(draft.aiCredits) };
}

/** The operator's own monthly caps, each a whole number or "no cap". */
export function QuotasForm({
  quotas,
  canChange,
  save,
}: {
  quotas: Quotas;
  canChange: boolean;
  save(change: QuotasChange): Promise<Quotas>;
}) {
  const [draft, setDraft] = useState(() => draftOf(quotas));
  const saving = useAction();
  const toast = useToast();
  const invalid = metrics.some(({ metric }) => !draft[metric].none && !/^\d+$/.test(draft[metric].amount));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void saving.run(async () => {
      setDraft(draftOf(await save(changeOf(draft))));
      toast.show("Saved the quotas");
    });
  };
  return (
    <form className="cfx-stack" onSubmit={submit} aria-label="Quotas">
      <h2>Quotas</h2>
      <p className="cfx-muted">Your own monthly caps, below the plan's limits; none by default.</p>
      {saving.error ? <ErrorBanner error={saving.error} onDismiss={saving.clearError} /> : null}
      {metrics.map(({ metric, label, capLabel, hint }) => (
        <fieldset key={metric} className="cfx-quota" disabled={!canChange}>
          <legend>{label}</legend>
          <CheckboxField
            label="No cap"
            checked={draft[metric].none}
            onChange={(none) => setDraft({ ...draft, [metric]: { ...draft[metric], none } })}
          />
          {draft[metric].none ? null : (
            <TextField
              label={capLabel}
              hint={hint}
              inputMode="numeric"
              value={draft[metric].amount}
              error={/^\d*$/.test(draft[metric].amount) ? undefined : "A whole number, 0 or more."}
              onChange={(event) =>
                setDraft({ ...draft, [metric]: { none: false, amount: event.target.value } })
              }
            />
          )}
        </fieldset>
      ))}
      {canChange ? (
        <div className="cfx-row">
          <Button type="submit" variant="primary" disabled={saving.busy || invalid}>
            Save quotas
          </Button>
        </div>
      ) : null}
    </form>
  );
}
