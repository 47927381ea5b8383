import { Table } from "../ui/Table.tsx";
import { money } from "./money.ts";
import type { Invoice } from "./service-api.ts";

/** The open invoice: this month so far, a preliminary figure until the month ends. */
export function ThisMonthSection({ invoice }: { invoice: Invoice }) {
  return (
    <section className="cfx-stack" aria-labelledby="this-month-title">
      <h2 id="this-month-title">This month so far ({invoice.month})</h2>
      <Table
        caption={`Lines of ${invoice.month}`}
        rows={invoice.lines}
        rowKey={(_line, index) => String(index)}
        empty="No charges yet."
        columns={[
          { header: "Line", cell: (line) => line.description },
          { header: "Amount", cell: (line) => money(line.amount) },
        ]}
      />
      <dl className="cfx-terms" data-testid="this-month-figures">
        <dt>Subtotal</dt>
        <dd>{money(invoice.subtotal)}</dd>
        <dt>Tax</dt>
        <dd>{money(invoice.tax)}</dd>
        <dt>Late interest (not taxed)</dt>
        <dd>{money(invoice.lateInterest)}</dd>
        <dt>Total so far</dt>
        <dd data-testid="this-month-total">{money(invoice.total)}</dd>
        <dt>Due date</dt>
        <dd>{invoice.dueDate}</dd>
      </dl>
      <p className="cfx-muted">
        Coupons are drawn when the month closes, so they are not taken off this figure yet.
      </p>
    </section>
  );
}
