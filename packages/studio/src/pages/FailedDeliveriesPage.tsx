import { type FormEvent, useState } from "react";
import type { FailedDeliveryFilter } from "../api/conflux-api.ts";
import { Link, pathOf } from "../shell/router.tsx";
import { useStudio } from "../shell/studio-context.tsx";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Select } from "../ui/Select.tsx";
import { Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { Time } from "../ui/Time.tsx";
import { useToast } from "../ui/Toast.tsx";
import { useCursorPages } from "./use-cursor-pages.ts";

const pageSize = 50;

interface Filters {
  appId: string;
  actionId: string;
  errorCode: string;
  /** datetime-local values, in the browser's time zone */
  from: string;
  to: string;
}

const noFilters: Filters = { appId: "", actionId: "", errorCode: "", from: "", to: "" };

function toDeliveryFilter(filters: Filters): FailedDeliveryFilter {
  const time = (value: string) => (value ? new Date(value).getTime() : undefined);
  return {
    appId: filters.appId || undefined,
    actionId: filters.actionId.trim() || undefined,
    errorCode: filters.errorCode.trim() || undefined,
    from: time(filters.from),
    to: time(filters.to),
  };
}

/**
 * Deliveries of outbound actions that failed for good (their destination stayed down past the
 * retries, or refused them), across the operator's apps, with the filters of the API; "Replay all
 * matching" queues every delivery the filters match again, not only the page shown.
 */
export function FailedDeliveriesPage() {
  const { api } = useStudio();
  const toast = useToast();
  const apps = useLoad(() => api.listApps(), [api]);
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const pages = useCursorPages();
  const deliveries = useLoad(
    () => api.listFailedDeliveries({ ...toDeliveryFilter(filters), cursor: pages.cursor, limit: pageSize }),
    [api, filters, pages.cursor],
  );
  const replaying = useAction();

  const apply = (event: FormEvent) => {
    event.preventDefault();
    pages.reset();
    setFilters(draft);
  };
  const replayAll = () =>
    replaying.run(async () => {
      const { requeued } = await api.replayFailedDeliveries(toDeliveryFilter(filters));
      toast.show(
        requeued === 1 ? "Queued 1 delivery again" : `Queued ${requeued.toLocaleString()} deliveries again`,
      );
      pages.reset();
      deliveries.reload();
    });

  const appName = new Map((apps.data ?? []).map((app) => [app.appId, app.name]));
  const rows = deliveries.data?.items ?? [];
  const nextCursor = deliveries.data?.nextCursor ?? null;
  return (
    <Page title="Failed deliveries">
      <div className="cfx-stack">
        <p className="cfx-muted">
          Webhook, Slack and e-mail deliveries that failed for good. A replay sends each one again with the
          same Idempotency-Key, so a receiver that got it before can tell.
        </p>
        {apps.error ? <ErrorBanner error={apps.error} onRetry={apps.reload} /> : null}
        <form className="cfx-page__toolbar" onSubmit={apply} aria-label="Filter failed deliveries">
          <Select
            label="App"
            value={draft.appId}
            onChange={(event) => setDraft({ ...draft, appId: event.target.value })}
            options={[
              { value: "", label: "Any" },
              ...(apps.data ?? []).map((app) => ({ value: app.appId, label: app.name || app.appId })),
            ]}
          />
          <TextField
            label="Action id"
            value={draft.actionId}
            onChange={(event) => setDraft({ ...draft, actionId: event.target.value })}
          />
          <TextField
            label="Error code"
            placeholder="http_status"
            value={draft.errorCode}
            onChange={(event) => setDraft({ ...draft, errorCode: event.target.value })}
          />
          <TextField
            label="Failed from"
            type="datetime-local"
            value={draft.from}
            onChange={(event) => setDraft({ ...draft, from: event.target.value })}
          />
          <TextField
            label="Failed before"
            type="datetime-local"
            value={draft.to}
            onChange={(event) => setDraft({ ...draft, to: event.target.value })}
          />
          <Button type="submit" variant="primary">
            Apply filters
          </Button>
          <Button
            onClick={() => {
              setDraft(noFilters);
              setFilters(noFilters);
              pages.reset();
            }}
          >
            Clear
          </Button>
        </form>
        <div className="cfx-row">
          <Button
            variant="primary"
            disabled={replaying.busy || rows.length === 0}
            onClick={() => void replayAll()}
          >
            Replay all matching
          </Button>
        </div>
        {replaying.error ? <ErrorBanner error={replaying.error} onDismiss={replaying.clearError} /> : null}
        {deliveries.error ? (
          <ErrorBanner error={deliveries.error} onRetry={deliveries.reload} />
        ) : deliveries.loading && !deliveries.data ? (
          <p className="cfx-muted">Loading failed deliveries…</p>
        ) : (
          <Table
            caption="Failed deliveries"
            rows={rows}
            rowKey={(delivery) => delivery.stepId}
            empty="No failed deliveries match."
            columns={[
              {
                header: "Failed",
                cell: (delivery) => (delivery.failedAt === null ? "—" : <Time ms={delivery.failedAt} />),
              },
              { header: "App", cell: (delivery) => appName.get(delivery.appId) ?? delivery.appId },
              { header: "Action", cell: (delivery) => `${delivery.actionId} (${delivery.actionType})` },
              { header: "Error", cell: (delivery) => delivery.error?.code ?? "—" },
              { header: "Message", cell: (delivery) => delivery.error?.message ?? "" },
              { header: "Tries", cell: (delivery) => delivery.attempts },
              {
                header: "Run",
                cell: (delivery) => (
                  <Link
                    className="cfx-mono"
                    to={pathOf({ page: "run", appId: delivery.appId, runId: delivery.runId })}
                    aria-label={`Open run ${delivery.runId}`}
                  >
                    {delivery.runId}
                  </Link>
                ),
              },
            ]}
          />
        )}
        <div className="cfx-row">
          <Button disabled={pages.onFirstPage} onClick={pages.newer}>
            Newer
          </Button>
          <Button
            disabled={nextCursor === null}
            onClick={() => {
              if (nextCursor !== null) pages.older(nextCursor);
            }}
          >
            Older
          </Button>
          <Button variant="ghost" onClick={deliveries.reload}>
            Refresh
          </Button>
        </div>
      </div>
    </Page>
  );
}
