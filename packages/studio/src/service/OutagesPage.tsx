import { useSession } from "../shell/studio-context.tsx";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { IsoTime } from "../ui/Time.tsx";
import { useToast } from "../ui/Toast.tsx";
import { useServiceApi } from "./service-api.ts";

/**
 * The outages the provider recorded and this operator's claims for credit [15.2.2]: the root user
 * claims within 3 months of an outage's end; a whole day of outage is a day's fee back.
 */
export function OutagesPage() {
  const api = useServiceApi();
  const session = useSession();
  const toast = useToast();
  const outages = useLoad(() => api.listOutages(), [api]);
  const claims = useLoad(() => api.listClaims(), [api]);
  const claiming = useAction();
  const isRoot = session.userName === undefined;
  const claimOf = (outageId: string) => claims.data?.find((claim) => claim.outageId === outageId);

  const claim = (outageId: string) =>
    claiming.run(async () => {
      const made = await api.claimOutage(outageId);
      toast.show(`Claimed ${made.days} day${made.days === 1 ? "" : "s"} of credit`);
      claims.reload();
      outages.reload();
    });

  return (
    <Page title="Outages">
      <p className="cfx-muted">
        When the service was wholly unusable for 24 hours or more, the root user may claim credit within 3
        months: each whole day off the monthly fee of the month it started.
      </p>
      {claiming.error ? <ErrorBanner error={claiming.error} onDismiss={claiming.clearError} /> : null}
      {(outages.error ?? claims.error) ? (
        <ErrorBanner
          error={outages.error ?? claims.error}
          onRetry={() => {
            outages.reload();
            claims.reload();
          }}
        />
      ) : null}
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
          {
            header: "Claim",
            cell: (outage) => {
              const made = claimOf(outage.outageId);
              if (made)
                return `Claimed: ${made.days} day${made.days === 1 ? "" : "s"}${
                  made.credit === undefined ? "" : `, credit ${made.credit.toLocaleString()}`
                }`;
              if (!outage.claimable) return "Not claimable";
              return isRoot ? (
                <Button
                  size="small"
                  aria-label={`Claim credit for the outage of ${outage.startedAt}`}
                  disabled={claiming.busy}
                  onClick={() => void claim(outage.outageId)}
                >
                  Claim credit
                </Button>
              ) : (
                "The root user can claim it"
              );
            },
          },
        ]}
      />
    </Page>
  );
}
