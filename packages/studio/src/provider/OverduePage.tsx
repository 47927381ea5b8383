import { useState } from "react";
import { money } from "../service/money.ts";
import { Link } from "../shell/router.tsx";
import { useAction } from "../shell/use-action.ts";
import { useLoad } from "../shell/use-load.ts";
import { Button } from "../ui/Button.tsx";
import { ConfirmDialog } from "../ui/Dialog.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { useToast } from "../ui/Toast.tsx";
import { type OverdueInvoice, useProviderApi } from "./provider-api.ts";
import { providerPathOf } from "./provider-routes.ts";

function paymentPath(row: OverdueInvoice): string {
  const query = new URLSearchParams({
    operatorId: row.operatorId,
    month: row.month,
    amount: String(row.outstanding),
  });
  return `${providerPathOf({ page: "payments" })}?${query}`;
}

/**
 * Closed invoices past their due date and not paid in full, each on its operator's own today. The
 * provider may accelerate an operator [12.4]: every unpaid amount of it becomes due today.
 */
export function OverduePage() {
  const api = useProviderApi();
  const toast = useToast();
  const overdue = useLoad(() => api.listOverdue(), [api]);
  const [accelerating, setAccelerating] = useState<string>();
  const action = useAction();
  const rows = overdue.data ?? [];
  // One accelerate button per operator, on its first row (the list is by operator, then month).
  const firstRowOf = (row: OverdueInvoice, index: number) => rows[index - 1]?.operatorId !== row.operatorId;

  const accelerate = () =>
    action.run(async () => {
      const operatorId = accelerating;
      setAccelerating(undefined);
      if (!operatorId) return;
      const answer = await api.accelerate(operatorId);
      toast.show(
        answer.months.length
          ? `${answer.months.join(", ")} of ${operatorId} now due on ${answer.acceleratedOn}`
          : `Everything unpaid of ${operatorId} was already due`,
      );
      overdue.reload();
    });

  return (
    <Page title="Overdue invoices" tabTitle="Overdue">
      {overdue.error ? <ErrorBanner error={overdue.error} onRetry={overdue.reload} /> : null}
      {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
      <Table
        caption="Overdue invoices"
        rows={rows}
        rowKey={(row) => `${row.operatorId}/${row.month}`}
        empty={overdue.loading ? "Loading…" : "Nothing is overdue."}
        columns={[
          {
            header: "Operator",
            cell: (row) => (
              <Link to={providerPathOf({ page: "operator", operatorId: row.operatorId })}>
                {row.operatorId}
              </Link>
            ),
          },
          { header: "Month", cell: (row) => row.month },
          { header: "Amount due", cell: (row) => money(row.amountDue) },
          { header: "Paid", cell: (row) => money(row.paidAmount) },
          { header: "Outstanding", cell: (row) => money(row.outstanding) },
          { header: "Due date", cell: (row) => row.dueDate },
          { header: "Days overdue", cell: (row) => row.daysOverdue.toLocaleString() },
          {
            header: "Actions",
            visuallyHiddenHeader: true,
            cell: (row) => (
              <span className="cfx-row">
                <Link
                  to={paymentPath(row)}
                  aria-label={`Record a payment of ${row.month} for ${row.operatorId}`}
                >
                  Record a payment
                </Link>
                {firstRowOf(row, rows.indexOf(row)) ? (
                  <Button
                    size="small"
                    variant="danger"
                    aria-label={`Accelerate ${row.operatorId}`}
                    disabled={action.busy}
                    onClick={() => setAccelerating(row.operatorId)}
                  >
                    Accelerate
                  </Button>
                ) : null}
              </span>
            ),
          },
        ]}
      />
      <ConfirmDialog
        open={accelerating !== undefined}
        title={`Accelerate ${accelerating ?? ""}?`}
        confirmLabel="Accelerate"
        danger
        busy={action.busy}
        onCancel={() => setAccelerating(undefined)}
        onConfirm={() => void accelerate()}
      >
        <p>Every unpaid amount of this operator becomes due today [12.4].</p>
      </ConfirmDialog>
    </Page>
  );
}
