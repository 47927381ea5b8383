import { useMemo, useState } from "react";
import { BarChart } from "../service/BarChart.tsx";
import { Link } from "../shell/router.tsx";
import { useLoad } from "../shell/use-load.ts";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { useProviderApi } from "./provider-api.ts";
import { providerPathOf } from "./provider-routes.ts";
import { thisMonth } from "./this-month.ts";

/** Every operator's events and AI credits in a month, busiest first, with a chart of the events. */
export function ProviderUsagePage() {
  const api = useProviderApi();
  const [month, setMonth] = useState(thisMonth);
  const usage = useLoad(async () => (/^\d{4}-\d{2}$/.test(month) ? api.usage(month) : []), [api, month]);
  const rows = useMemo(() => [...(usage.data ?? [])].sort((a, b) => b.events - a.events), [usage.data]);
  const top = useMemo(() => rows.slice(0, 30), [rows]);
  const labels = useMemo(() => top.map((row) => row.operatorId), [top]);
  const events = useMemo(() => top.map((row) => row.events), [top]);
  const credits = useMemo(() => top.map((row) => row.aiCredits), [top]);

  return (
    <Page title="Usage across operators" tabTitle="Usage">
      <div className="cfx-row cfx-filters">
        <TextField
          label="Month"
          type="month"
          value={month}
          onChange={(event) => setMonth(event.target.value)}
        />
      </div>
      {usage.error ? <ErrorBanner error={usage.error} onRetry={usage.reload} /> : null}
      {top.length ? (
        <>
          <BarChart
            title={`Events in ${month}, busiest ${top.length} operators`}
            labels={labels}
            values={events}
          />
          <BarChart
            title={`AI credits in ${month}, the same operators`}
            labels={labels}
            values={credits}
            color="success"
          />
        </>
      ) : null}
      <Table
        caption={`Usage in ${month}`}
        rows={rows}
        rowKey={(row) => row.operatorId}
        empty={usage.loading ? "Loading…" : "No usage in this month."}
        columns={[
          {
            header: "Operator",
            cell: (row) => (
              <Link to={providerPathOf({ page: "operator", operatorId: row.operatorId })}>
                {row.operatorId}
              </Link>
            ),
          },
          { header: "E-mail", cell: (row) => row.email },
          { header: "Events", cell: (row) => row.events.toLocaleString() },
          { header: "AI credits", cell: (row) => row.aiCredits.toLocaleString() },
        ]}
      />
    </Page>
  );
}
