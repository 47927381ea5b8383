import { downloadBlob } from "../api/app-definition.ts";
import { useAction } from "../shell/use-action.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { StatusBadge, Table } from "../ui/Table.tsx";
import { money } from "./money.ts";
import { type Invoice, type InvoiceFormat, useServiceApi } from "./service-api.ts";

/** Whether a closed invoice is paid in full, partly, or not yet. */
function paymentState(invoice: Invoice): string {
  if (invoice.status === "open") return "—";
  if (invoice.paidAmount >= invoice.amountDue) return "paid";
  return invoice.paidAmount > 0 ? "partly paid" : "unpaid";
}

/** Every readable invoice with its figures, and each as a CSV or PDF file. */
export function InvoicesSection({ invoices }: { invoices: Invoice[] }) {
  const api = useServiceApi();
  const exporting = useAction();
  const download = (month: string, format: InvoiceFormat) =>
    exporting.run(async () => {
      downloadBlob(await api.exportInvoice(month, format), `invoice-${month}.${format}`);
    });

  return (
    <section className="cfx-stack" aria-labelledby="invoices-title">
      <h2 id="invoices-title">Invoices</h2>
      {exporting.error ? <ErrorBanner error={exporting.error} onDismiss={exporting.clearError} /> : null}
      <Table
        caption="Invoices"
        rows={invoices}
        rowKey={(invoice) => invoice.month}
        empty="No invoices yet."
        columns={[
          { header: "Month", cell: (invoice) => invoice.month },
          { header: "Status", cell: (invoice) => <StatusBadge status={invoice.status} /> },
          { header: "Amount due", cell: (invoice) => money(invoice.amountDue) },
          { header: "Paid", cell: (invoice) => money(invoice.paidAmount) },
          {
            header: "Payment",
            cell: (invoice) => <span data-testid={`payment-${invoice.month}`}>{paymentState(invoice)}</span>,
          },
          { header: "Due date", cell: (invoice) => invoice.dueDate },
          {
            header: "Download",
            visuallyHiddenHeader: true,
            cell: (invoice) => (
              <span className="cfx-row">
                <Button
                  size="small"
                  aria-label={`Download ${invoice.month} as CSV`}
                  disabled={exporting.busy}
                  onClick={() => void download(invoice.month, "csv")}
                >
                  CSV
                </Button>
                <Button
                  size="small"
                  aria-label={`Download ${invoice.month} as PDF`}
                  disabled={exporting.busy}
                  onClick={() => void download(invoice.month, "pdf")}
                >
                  PDF
                </Button>
              </span>
            ),
          },
        ]}
      />
    </section>
  );
}
