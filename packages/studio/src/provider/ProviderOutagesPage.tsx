import { useState } from "react";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { TextAreaField, TextField } from "../ui/TextField.tsx";
import { IsoTime } from "../ui/Time.tsx";
import { useToast } from "../ui/Toast.tsx";
import { isoOfLocalTime } from "./local-time.ts";
import { useProviderApi } from "./provider-api.ts";

const emptyDraft = { startedAt: "", endedAt: "", description: "" };

/**
 * Outages [15.2]: from when the provider knew the service was wholly unusable to its recovery. Often
 * recorded afterwards, so the times may be in the past; operators claim credit from their console.
 */
export function ProviderOutagesPage() {
  const api = useProviderApi();
  const toast = useToast();
  const outages = useLoad(() => api.listOutages(), [api]);
  const [draft, setDraft] = useState<typeof emptyDraft>();
  const recording = useAction();
  const set = (field: keyof typeof emptyDraft) => (event: { target: { value: string } }) =>
    draft && setDraft({ ...draft, [field]: event.target.value });
  const startedAt = isoOfLocalTime(draft?.startedAt ?? "");
  const endedAt = isoOfLocalTime(draft?.endedAt ?? "");
  const ready = Boolean(startedAt && endedAt && startedAt < endedAt && draft?.description.trim());

  return (
    <Page
      title="Outages"
      toolbar={
        <Button variant="primary" onClick={() => setDraft(emptyDraft)}>
          Record an outage
        </Button>
      }
    >
      {outages.error ? <ErrorBanner error={outages.error} onRetry={outages.reload} /> : null}
      <Table
        caption="Outages"
        rows={outages.data ?? []}
        rowKey={(outage) => outage.outageId}
        empty={outages.loading ? "Loading…" : "No outages recorded."}
        columns={[
          { header: "Started", cell: (outage) => <IsoTime value={outage.startedAt} /> },
          { header: "Ended", cell: (outage) => <IsoTime value={outage.endedAt} /> },
          { header: "Hours", cell: (outage) => outage.hours.toLocaleString() },
          { header: "Description", cell: (outage) => outage.description },
        ]}
      />
      <Dialog
        open={draft !== undefined}
        title="Record an outage"
        onClose={() => setDraft(undefined)}
        onSubmit={() =>
          void recording.run(async () => {
            if (!draft || !startedAt || !endedAt) return;
            const outage = await api.createOutage({
              startedAt,
              endedAt,
              description: draft.description.trim(),
            });
            setDraft(undefined);
            toast.show(`Recorded an outage of ${outage.hours} hours`);
            outages.reload();
          })
        }
        actions={
          <>
            <Button onClick={() => setDraft(undefined)}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={recording.busy || !ready}>
              Record outage
            </Button>
          </>
        }
      >
        {recording.error ? <ErrorBanner error={recording.error} /> : null}
        {draft ? (
          <>
            <TextField
              label="Unusable from"
              type="datetime-local"
              hint="When the provider knew the service was wholly unusable."
              value={draft.startedAt}
              onChange={set("startedAt")}
            />
            <TextField
              label="Recovered at"
              type="datetime-local"
              value={draft.endedAt}
              error={startedAt && endedAt && endedAt <= startedAt ? "After the start." : undefined}
              onChange={set("endedAt")}
            />
            <TextAreaField label="Description" value={draft.description} onChange={set("description")} />
          </>
        ) : null}
      </Dialog>
    </Page>
  );
}
