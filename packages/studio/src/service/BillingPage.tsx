import { usePermissions } from "../shell/permissions.tsx";
import { useSession } from "../shell/studio-context.tsx";
import { useLoad } from "../shell/use-load.ts";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { CouponsSection } from "./CouponsSection.tsx";
import { InvoicesSection } from "./InvoicesSection.tsx";
import { PlanCostSection } from "./PlanCostSection.tsx";
import { useServiceApi } from "./service-api.ts";
import { ThisMonthSection } from "./ThisMonthSection.tsx";

/**
 * Money (billing.md) for the root user and users allowed `Billing:*`: this month so far, the invoices
 * with their files, coupons, and (root only, who may change it) what each plan would cost.
 */
export function BillingPage() {
  const api = useServiceApi();
  const session = useSession();
  const { can } = usePermissions();
  const isRoot = session.userName === undefined;
  const invoices = useLoad(() => api.listInvoices(), [api]);
  const open = invoices.data?.find((invoice) => invoice.status === "open");

  return (
    <Page title="Billing">
      {invoices.error ? <ErrorBanner error={invoices.error} onRetry={invoices.reload} /> : null}
      {invoices.loading && !invoices.data ? <p className="cfx-muted">Loading…</p> : null}
      {open ? <ThisMonthSection invoice={open} /> : null}
      {invoices.data ? <InvoicesSection invoices={invoices.data} /> : null}
      {can("Coupon:listCoupons") ? <CouponsSection canRegister={isRoot} /> : null}
      {isRoot && open ? <PlanCostSection thisMonth={open.month} onChanged={invoices.reload} /> : null}
    </Page>
  );
}
