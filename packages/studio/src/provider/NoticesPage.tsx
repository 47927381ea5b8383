import { useState } from "react";
import type { NoticeSeverity } from "../service/service-api.ts";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { Dialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Select } from "../ui/Select.tsx";
import { StatusBadge, Table } from "../ui/Table.tsx";
import { TextAreaField, TextField } from "../ui/TextField.tsx";
import { SecondsTime } from "../ui/Time.tsx";
import { useToast } from "../ui/Toast.tsx";
import { isoOfLocalTime } from "./local-time.ts";
import { type NewNotice, useProviderApi } from "./provider-api.ts";

const severities: { value: NoticeSeverity; label: string }[] = [
  { value: "info", label: "Information" },
  { value: "warning", label: "Warning" },
  { value: "critical", label: "Critical" },
];

interface Draft {
  title: string;
  body: string;
  severity: NoticeSeverity;
  operatorIds: string;
  startsAt: string;
  endsAt: string;
}

const emptyDraft: Draft = {
  title: "",
  body: "",
  severity: "info",
  operatorIds: "",
  startsAt: "",
  endsAt: "",
};

function noticeOf(draft: Draft): NewNotice {
  const operatorIds = draft.operatorIds.split(/[\s,]+/).filter(Boolean);
  const startsAt = isoOfLocalTime(draft.startsAt);
  const endsAt = isoOfLocalTime(draft.endsAt);
  return {
    title: draft.title.trim(),
    body: draft.body.trim(),
    severity: draft.severity,
    ...(operatorIds.length ? { operatorIds } : {}),
    ...(startsAt ? { startsAt } : {}),
    ...(endsAt ? { endsAt } : {}),
  };
}

/** Notices shown at the top of every operator's console [9.3]: to all operators or to chosen ones. */
export function NoticesPage() {
  const api = useProviderApi();
  const toast = useToast();
  const notices = useLoad(() => api.listNotices(), [api]);
  const [draft, setDraft] = useState<Draft>();
  const creating = useAction();
  const action = useAction();
  const set = (field: keyof Draft) => (event: { target: { value: string } }) =>
    draft && setDraft({ ...draft, [field]: event.target.value });

  return (
    <Page
      title="Notices"
      toolbar={
        <Button variant="primary" onClick={() => setDraft(emptyDraft)}>
          New notice
        </Button>
      }
    >
      {notices.error ? <ErrorBanner error={notices.error} onRetry={notices.reload} /> : null}
      {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
      <Table
        caption="Notices"
        rows={notices.data ?? []}
        rowKey={(notice) => notice.noticeId}
        empty={notices.loading ? "Loading…" : "No notices."}
        columns={[
          { header: "Severity", cell: (notice) => <StatusBadge status={notice.severity} /> },
          { header: "Title", cell: (notice) => notice.title },
          { header: "Text", cell: (notice) => notice.body },
          { header: "For", cell: (notice) => notice.operatorIds?.join(", ") ?? "every operator" },
          {
            header: "From",
            cell: (notice) => (notice.startsDateTime ? <SecondsTime value={notice.startsDateTime} /> : "now"),
          },
          {
            header: "Until",
            cell: (notice) => (notice.endsDateTime ? <SecondsTime value={notice.endsDateTime} /> : "removed"),
          },
          {
            header: "Actions",
            visuallyHiddenHeader: true,
            cell: (notice) => (
              <Button
                size="small"
                variant="danger"
                aria-label={`Delete notice ${notice.title}`}
                disabled={action.busy}
                onClick={() =>
                  void action.run(async () => {
                    await api.deleteNotice(notice.noticeId);
                    toast.show(`Deleted notice ${notice.title}`);
                    notices.reload();
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
        title="New notice"
        onClose={() => setDraft(undefined)}
        onSubmit={() =>
          void creating.run(async () => {
            if (!draft) return;
            await api.createNotice(noticeOf(draft));
            setDraft(undefined);
            toast.show("Posted the notice");
            notices.reload();
          })
        }
        actions={
          <>
            <Button onClick={() => setDraft(undefined)}>Cancel</Button>
            <Button type="submit" variant="primary" disabled={creating.busy || !draft?.title.trim()}>
              Post notice
            </Button>
          </>
        }
      >
        {creating.error ? <ErrorBanner error={creating.error} /> : null}
        {draft ? (
          <>
            <TextField label="Title" value={draft.title} onChange={set("title")} />
            <TextAreaField label="Text" value={draft.body} onChange={set("body")} />
            <Select label="Severity" value={draft.severity} options={severities} onChange={set("severity")} />
            <TextField
              label="Only for operators"
              hint="Operator ids separated by commas; empty: every operator."
              value={draft.operatorIds}
              onChange={set("operatorIds")}
            />
            <TextField
              label="Shown from"
              type="datetime-local"
              hint="Empty: at once."
              value={draft.startsAt}
              onChange={set("startsAt")}
            />
            <TextField
              label="Shown until"
              type="datetime-local"
              hint="Empty: until deleted."
              value={draft.endsAt}
              onChange={set("endsAt")}
            />
          </>
        ) : null}
      </Dialog>
    </Page>
  );
}
