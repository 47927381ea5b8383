import { useMemo } from "react";
import { usePermissions } from "../shell/permissions.tsx";
import { useLoad } from "../shell/use-load.ts";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { BarChart } from "./BarChart.tsx";
import { QuotasForm } from "./QuotasForm.tsx";
import { useServiceApi } from "./service-api.ts";
import { UsagePanel } from "./UsagePanel.tsx";

/** This billing month's events and AI credits against the plan and the quotas, day by day, and the quotas. */
export function UsagePage() {
  const api = useServiceApi();
  const { can } = usePermissions();
  const usage = useLoad(() => api.getUsage(), [api]);
  const quotas = useLoad(() => api.getQuotas(), [api]);
  const daily = usage.data?.daily;
  const days = useMemo(() => (daily ?? []).map((day) => day.date.slice(8)), [daily]);
  const events = useMemo(() => (daily ?? []).map((day) => day.events), [daily]);
  const credits = useMemo(() => (daily ?? []).map((day) => day.aiCredits), [daily]);

  return (
    <Page title={usage.data ? `Usage in ${usage.data.month}` : "Usage"} tabTitle="Usage">
      {usage.error ? <ErrorBanner error={usage.error} onRetry={usage.reload} /> : null}
      {usage.data ? (
        <>
          <div className="cfx-usage-panels">
            <UsagePanel title="Events" usage={usage.data.events} />
            <UsagePanel title="AI credits" usage={usage.data.aiCredits} />
          </div>
          <h2>Day by day</h2>
          <BarChart title="Events per day" labels={days} values={events} />
          <BarChart title="AI credits per day" labels={days} values={credits} color="success" />
          <details>
            <summary>The numbers by day</summary>
            <Table
              caption="Usage by day"
              rows={usage.data.daily}
              rowKey={(day) => day.date}
              empty="Nothing used this month yet."
              columns={[
                { header: "Date", cell: (day) => day.date },
                { header: "Events", cell: (day) => day.events.toLocaleString() },
                { header: "AI credits", cell: (day) => day.aiCredits.toLocaleString() },
              ]}
            />
          </details>
        </>
      ) : usage.loading ? (
        <p className="cfx-muted">Loading…</p>
      ) : null}
      {quotas.error ? <ErrorBanner error={quotas.error} onRetry={quotas.reload} /> : null}
      {quotas.data ? (
        <QuotasForm
          quotas={quotas.data}
          canChange={can("Usage:updateUsageQuotas")}
          save={async (change) => {
            const saved = await api.updateQuotas(change);
            usage.reload();
            return saved;
          }}
        />
      ) : null}
    </Page>
  );
}
