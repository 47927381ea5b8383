import { useState } from "react";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { Time } from "../ui/Time.tsx";
import { useAccountsApi } from "./accounts-api.ts";

const pageSize = 100;

/** Calls that changed something and every sign-in, newest first, kept 90 days; "Older" pages back. */
export function AuditLogPage() {
  const api = useAccountsApi();
  // The pages walked so far: each starts after the last entry of the one before.
  const [before, setBefore] = useState<number[]>([]);
  const after = before.at(-1);
  const entries = useLoad(
    () => api.listAuditLogs({ limit: pageSize, lastEvaluatedKey: after }),
    [api, after],
  );
  const rows = entries.data ?? [];
  const last = rows.at(-1);
  return (
    <Page title="Audit log">
      <div className="cfx-stack">
        <p className="cfx-muted">Every sign-in, and every call that changed something, for 90 days.</p>
        {entries.error ? (
          <ErrorBanner error={entries.error} onRetry={entries.reload} />
        ) : (
          <Table
            caption="Audit log"
            rows={rows}
            rowKey={(entry, index) => `${entry.requestedTimeEpochMs}-${index}`}
            empty={entries.loading ? "Loading…" : "Nothing recorded."}
            columns={[
              { header: "Time", cell: (entry) => <Time ms={entry.requestedTimeEpochMs} /> },
              { header: "Who", cell: (entry) => entry.userName ?? "root" },
              { header: "API", cell: (entry) => <span className="cfx-mono">{entry.apiName}</span> },
              { header: "Path", cell: (entry) => <span className="cfx-mono">{entry.requestPath}</span> },
              { header: "Status", cell: (entry) => entry.statusCode },
              { header: "Address", cell: (entry) => entry.remoteIpAddress },
            ]}
          />
        )}
        <div className="cfx-row">
          <Button disabled={before.length === 0} onClick={() => setBefore(before.slice(0, -1))}>
            Newer
          </Button>
          <Button
            disabled={!last || rows.length < pageSize}
            onClick={() => last && setBefore([...before, last.requestedTimeEpochMs])}
          >
            Older
          </Button>
        </div>
      </div>
    </Page>
  );
}
