import { UsagePanel } from "../service/UsagePanel.tsx";
import { useLoad } from "../shell/use-load.ts";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { useProviderApi } from "./provider-api.ts";
import { thisMonth } from "./this-month.ts";

/** The operator's events and AI credits this month, as the operator's own usage page shows them. */
export function OperatorUsageSection({ operatorId }: { operatorId: string }) {
  const api = useProviderApi();
  const usage = useLoad(() => api.getOperatorUsage(operatorId, thisMonth()), [api, operatorId]);
  return (
    <>
      <h2>{usage.data ? `Usage in ${usage.data.month}` : "Usage"}</h2>
      {usage.error ? <ErrorBanner error={usage.error} onRetry={usage.reload} /> : null}
      {usage.data ? (
        <div className="cfx-usage-panels">
          <UsagePanel title="Events" usage={usage.data.events} />
          <UsagePanel title="AI credits" usage={usage.data.aiCredits} />
        </div>
      ) : null}
    </>
  );
}
