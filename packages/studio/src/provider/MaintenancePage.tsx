import { useState } from "react";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { TextAreaField, TextField } from "../ui/TextField.tsx";
import { SecondsTime } from "../ui/Time.tsx";
import { useToast } from "../ui/Toast.tsx";
import { isoOfLocalTime } from "./local-time.ts";
import { useProviderApi } from "./provider-api.ts";

const emptyDraft = { title: "", body: "", startsAt: "", endsAt: "" };

/** Planned maintenance windows [5.2]: every operator's console shows them ahead of time. */
export function MaintenancePage() {
  const api = useProviderApi();
  const toast = useToast();
  const windows = useLoad(() => api.listMaintenance(), [api]);
  const [draft, setDraft] = useState<typeof emptyDraft>();
  const creating = useAction();
  const action = useAction();
  const set = (field: keyof typeof emptyDraft) => (event: { target: { value: string } }) =>
    draft && setDraft({ ...draft, [field]: event.target.value });
  const startsAt = isoOfLocalTime(draft?.startsAt ?? "");
  const endsAt = isoOfLocalTime(draft?.endsAt ?? "");
  const ready = Boolean(draft?.title.trim() && startsAt && endsAt && startsAt < endsAt);

  return (
    <Page
      title="Maintenance"
      toolbar={
        <Button variant="primary" onClick={() => setDraft(emptyDraft)}>
          New maintenance window
        </Button>
      }
    >
      {windows.error ? <ErrorBanner error={windows.error} onRetry={windows.reload} /> : null}
      {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
      <Table
        caption="Maintenance windows"
        rows={windows.data ?? []}
        rowKey={(window) => window.maintenanceId}
        empty={windows.loading ? "Loading…" : "No maintenance planned."}
        columns={[
          { header: "Title", cell: (window) => window.title },
          { header: "From", cell: (window) => <SecondsTime value={window.startsDateTime} /> },
          { header: "To", cell: (window) => <SecondsTime value={window.endsDateTime} /> },
          { header: "Text", cell: (window) => window.body ?? "" },
          {
            header: "Actions",
            visuallyHiddenHeader: true,
            cell: (window) => (
              <Button
                size="small"
                variant="danger"
                aria-label={`Delete maintenance ${window.title}`}
                disabled={action.busy}
                onClick={() =>
                  void action.run(async () => {
                    await api.deleteMaintenance(window.maintenanceId);
                    toast.show(`Deleted maintenance ${window.title}`);
                    windows.reload();
                  })
                }
              >
                Delete
              </Button>
            ),
          },
        ]}
      />
      <Dialog
        open={draft !== undefined}
        title="New maintenance window"
        onClose={() => setDraft(undefined)}
        onSubmit={() =>
          void creating.run(async () => {
            if (!draft || !startsAt || !endsAt) return;
            const body = draft.body.trim();
            await api.createMaintenance({
              title: draft.title.trim(),
              ...(body ? { body } : {}),
              startsAt,
              endsAt,
            });
            setDraft(undefined);
            toast.show("Planned the maintenance");
            windows.reload();
          })
        }
        actions={
          <>
            <Button onClick={() => setDraft(undefined)}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={creating.busy || !ready}>
              Plan maintenance
            </Button>
          </>
        }
      >
        {creating.error ? <ErrorBanner error={creating.error} /> : null}
        {draft ? (
          <>
            <TextField label="Title" value={draft.title} onChange={set("title")} />
            <TextAreaField label="Text" value={draft.body} onChange={set("body")} />
            <TextField
              label="Starts"
              type="datetime-local"
              value={draft.startsAt}
              onChange={set("startsAt")}
            />
            <TextField
              label="Ends"
              type="datetime-local"
              value={draft.endsAt}
              error={startsAt && endsAt && endsAt <= startsAt ? "After the start." : undefined}
              onChange={set("endsAt")}
            />
          </>
        ) : null}
      </Dialog>
    </Page>
  );
}
