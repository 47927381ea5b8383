import { type FormEvent, useState } from "react";
import type { RunFilter, RunStatus, RunSummary } from "../api/conflux-api.ts";
import { Link, pathOf, useRouter } from "../shell/router.tsx";
import { useStudio } from "../shell/studio-context.tsx";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Select } from "../ui/Select.tsx";
import { StatusBadge, Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { Time } from "../ui/Time.tsx";
import { useCursorPages } from "./use-cursor-pages.ts";

const pageSize = 20;

interface Filters {
  status: "" | RunStatus;
  channelId: string;
  actionId: string;
  /** datetime-local values, in the browser's time zone */
  from: string;
  to: string;
}

const noFilters: Filters = { status: "", channelId: "", actionId: "", from: "", to: "" };

function toRunFilter(filters: Filters, cursor: string | undefined): RunFilter {
  const time = (value: string) => (value ? new Date(value).getTime() : undefined);
  return {
    status: filters.status || undefined,
    channelId: filters.channelId || undefined,
    actionId: filters.actionId || undefined,
    from: time(filters.from),
    to: time(filters.to),
    cursor,
    limit: pageSize,
  };
}

/** An app's runs, newest first, with filters and pages; a run opens on the canvas. */
export function HistoryPage({ appId }: { appId: string }) {
  const { api } = useStudio();
  const { navigate } = useRouter();
  const app = useLoad(() => api.getApp(appId), [api, appId]);
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const pages = useCursorPages();
  const runs = useLoad(
    () => api.listRuns(appId, toRunFilter(filters, pages.cursor)),
    [api, appId, filters, pages.cursor],
  );
  const [replayError, setReplayError] = useState<unknown>();

  const apply = (event: FormEvent) => {
    event.preventDefault();
    pages.reset();
    setFilters(draft);
  };
  const replay = async (run: RunSummary) => {
    setReplayError(undefined);
    try {
      const { runId } = await api.replayRun(appId, run.runId);
      navigate(pathOf({ page: "run", appId, runId }));
    } catch (error) {
      setReplayError(error);
    }
  };

  const channels = app.data?.channels ?? [];
  const actions = app.data?.actions ?? [];
  const rows = runs.data?.items ?? [];
  const nextCursor = runs.data?.nextCursor ?? null;
  return (
    <Page
      title={`History${app.data ? ` of ${app.data.name}` : ""}`}
      toolbar={
        <Link className="cfx-button" to={pathOf({ page: "app", appId })}>
          Open the app
        </Link>
      }
    >
      <div className="cfx-stack">
        {app.error ? <ErrorBanner error={app.error} onRetry={app.reload} /> : null}
        <form className="cfx-page__toolbar" onSubmit={apply} aria-label="Filter runs">
          <Select
            label="Status"
            value={draft.status}
            onChange={(event) => setDraft({ ...draft, status: event.target.value as Filters["status"] })}
            options={[
              { value: "", label: "Any" },
              { value: "running", label: "Running" },
              { value: "completed", label: "Completed" },
              { value: "failed", label: "Failed" },
            ]}
          />
          <Select
            label="Channel"
            value={draft.channelId}
            onChange={(event) => setDraft({ ...draft, channelId: event.target.value })}
            options={[
              { value: "", label: "Any" },
              ...channels.map((channel) => ({
                value: channel.channelId,
                label: channel.name || channel.channelId,
              })),
            ]}
          />
          <Select
            label="Action"
            value={draft.actionId}
            onChange={(event) => setDraft({ ...draft, actionId: event.target.value })}
            options={[
              { value: "", label: "Any" },
              ...actions.map((action) => ({ value: action.actionId, label: action.name || action.actionId })),
            ]}
          />
          <TextField
            label="From"
            type="datetime-local"
            value={draft.from}
            onChange={(event) => setDraft({ ...draft, from: event.target.value })}
          />
          <TextField
            label="To"
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
        {replayError ? <ErrorBanner error={replayError} onDismiss={() => setReplayError(undefined)} /> : null}
        {runs.error ? (
          <ErrorBanner error={runs.error} onRetry={runs.reload} />
        ) : runs.loading && !runs.data ? (
          <p className="cfx-muted">Loading runs…</p>
        ) : (
          <Table
            caption="Runs"
            rows={rows}
            rowKey={(run) => run.runId}
            empty="No runs match. Send a test message from the app's editor."
            columns={[
              { header: "Started", cell: (run) => <Time ms={run.createdAt} /> },
              { header: "Status", cell: (run) => <StatusBadge status={run.status} /> },
              { header: "Channel", cell: (run) => run.channelId },
              // Runs from before app versions were kept have none.
              { header: "App version", cell: (run) => run.appVersion ?? "—" },
              {
                header: "Source",
                cell: (run) => (run.replayOf ? `replay of ${run.replayOf.slice(-6)}` : run.eventType),
              },
              {
                header: "Run",
                cell: (run) => (
                  <Link
                    className="cfx-mono"
                    to={pathOf({ page: "run", appId, runId: run.runId })}
                    aria-label={`Open run ${run.runId}`}
                  >
                    {run.runId}
                  </Link>
                ),
              },
              {
                header: "Replay",
                visuallyHiddenHeader: true,
                cell: (run) => (
                  <Button
                    size="small"
                    aria-label={`Replay run ${run.runId}`}
                    onClick={() => void replay(run)}
                  >
                    Replay
                  </Button>
                ),
              },
            ]}
          />
        )}
        <div className="cfx-row">
          <Button disabled={pages.onFirstPage} onClick={pages.newer}>
            Newer runs
          </Button>
          <Button
            disabled={nextCursor === null}
            onClick={() => {
              if (nextCursor !== null) pages.older(nextCursor);
            }}
          >
            Older runs
          </Button>
          <Button variant="ghost" onClick={runs.reload}>
            Refresh
          </Button>
        </div>
      </div>
    </Page>
  );
}
