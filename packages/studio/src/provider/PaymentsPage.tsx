import { useState } from "react";
import { money } from "../service/money.ts";
import type { Invoice } from "../service/service-api.ts";
import { useRouter } from "../shell/router.tsx";
import { useAction } from "../shell/use-action.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorBanner } from "../ui/ErrorBanner.tsx";
import { Notice } from "../ui/Notice.tsx";
import { Page } from "../ui/PageLayout.tsx";
import { Table } from "../ui/Table.tsx";
import { TextField } from "../ui/TextField.tsx";
import { useToast } from "../ui/Toast.tsx";
import { parseAmount } from "./amount.ts";
import { type RecordedPayment, useProviderApi } from "./provider-api.ts";

const amountHint = "Whole minor units of the currency, no more than is still due.";

/**
 * Payments [12.2, 12.3]: the provider records what an operator paid for a closed month. A payment
 * after the due date is late; its interest goes on the invoice of the month it was paid in. The
 * overdue list links here with the operator, month and outstanding amount filled in.
 */
export function PaymentsPage() {
  const api = useProviderApi();
  const toast = useToast();
  const { search } = useRouter();
  const [draft, setDraft] = useState(() => {
    const query = new URLSearchParams(search);
    return {
      operatorId: query.get("operatorId") ?? "",
      month: query.get("month") ?? "",
      amount: query.get("amount") ?? "",
      paidOn: "",
    };
  });
  const [invoices, setInvoices] = useState<{ operatorId: string; invoices: Invoice[] }>();
  const [recorded, setRecorded] = useState<RecordedPayment>();
  const action = useAction();
  const set = (field: keyof typeof draft) => (event: { target: { value: string } }) =>
    setDraft({ ...draft, [field]: event.target.value });
  const operatorId = draft.operatorId.trim();
  const amount = parseAmount(draft.amount);
  const ready = Boolean(operatorId && /^\d{4}-\d{2}$/.test(draft.month) && amount && draft.paidOn);

  const showInvoices = () =>
    action.run(async () => {
      setInvoices({ operatorId, invoices: await api.listOperatorInvoices(operatorId) });
    });
  const record = () =>
    action.run(async () => {
      if (!amount) return;
      const payment = await api.recordPayment(operatorId, {
        month: draft.month,
        amount,
        paidOn: draft.paidOn,
      });
      setRecorded(payment);
      toast.show(`Recorded a payment of ${money(payment.amount)} for ${payment.month}`);
      if (invoices?.operatorId === operatorId)
        setInvoices({ operatorId, invoices: await api.listOperatorInvoices(operatorId) });
    });

  return (
    <Page title="Payments">
      <form
        className="cfx-stack"
        aria-label="Record a payment"
        onSubmit={(event) => {
          event.preventDefault();
          void record();
        }}
      >
        <div className="cfx-row cfx-filters">
          <TextField label="Operator id" value={draft.operatorId} onChange={set("operatorId")} />
          <Button disabled={action.busy || !operatorId} onClick={() => void showInvoices()}>
            Show invoices
          </Button>
        </div>
        <TextField label="Month paid" type="month" value={draft.month} onChange={set("month")} />
        <TextField
          label="Amount"
          inputMode="numeric"
          hint={amountHint}
          value={draft.amount}
          error={draft.amount && !amount ? "A whole number, 1 or more." : undefined}
          onChange={set("amount")}
        />
        <TextField
          label="Paid on"
          type="date"
          hint="Not after the operator's today."
          value={draft.paidOn}
          onChange={set("paidOn")}
        />
        <div>
          <Button type="submit" variant="primary" disabled={action.busy || !ready}>
            Record payment
          </Button>
        </div>
      </form>
      {action.error ? <ErrorBanner error={action.error} onDismiss={action.clearError} /> : null}
      {recorded ? (
        <Notice>
          <span data-testid="recorded-payment">
            {money(recorded.amount)} for {recorded.month}, paid on {recorded.paidOn}:{" "}
            <strong data-testid="late-days">{recorded.lateDays}</strong> late day
            {recorded.lateDays === 1 ? "" : "s"}; their interest goes on the invoice of{" "}
            <strong data-testid="interest-month">{recorded.interestMonth}</strong>.
          </span>
        </Notice>
      ) : null}
      {invoices ? (
        <Table
          caption={`Invoices of ${invoices.operatorId}`}
          rows={invoices.invoices}
          rowKey={(invoice) => invoice.month}
          empty="No invoices."
          columns={[
            { header: "Month", cell: (invoice) => invoice.month },
            { header: "Status", cell: (invoice) => invoice.status },
            { header: "Amount due", cell: (invoice) => money(invoice.amountDue) },
            { header: "Paid", cell: (invoice) => money(invoice.paidAmount) },
            { header: "Due date", cell: (invoice) => invoice.dueDate },
            {
              header: "Actions",
              visuallyHiddenHeader: true,
              cell: (invoice) =>
                invoice.status === "closed" && invoice.paidAmount < invoice.amountDue ? (
                  <Button
                    size="small"
                    aria-label={`Pay ${invoice.month}`}
                    onClick={() =>
                      setDraft({
                        ...draft,
                        operatorId: invoices.operatorId,
                        month: invoice.month,
                        amount: String(invoice.amountDue - invoice.paidAmount),
                      })
                    }
                  >
                    Fill in
                  </Button>
                ) : null,
            },
          ]}
        />
      ) : null}
    </Page>
  );
}
