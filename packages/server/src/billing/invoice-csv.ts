import type { Invoice } from "./invoices.ts";

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function field(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** An invoice as CSV a spreadsheet opens: its lines, then its figures, amounts in minor units. */
export function invoiceCsv(invoice: Invoice, currency: string): string {
  const rows: Array<Array<string | number>> = [
    ["month", "status", "kind", "description", `amount (${currency})`],
    ...invoice.lines.map((line) => [invoice.month, invoice.status, line.kind, line.description, line.amount]),
    [invoice.month, invoice.status, "subtotal", "taxable lines", invoice.subtotal],
    [invoice.month, invoice.status, "tax", "tax on the subtotal", invoice.tax],
    [invoice.month, invoice.status, "total", "subtotal, tax and late interest", invoice.total],
    [invoice.month, invoice.status, "coupon_applied", "paid by coupons", invoice.couponApplied],
    [invoice.month, invoice.status, "amount_due", `due on ${invoice.dueDate}`, invoice.amountDue],
    [invoice.month, invoice.status, "paid_amount", "payments received", invoice.paidAmount],
  ];
  return `${rows.map((row) => row.map(field).join(",")).join("\r\n")}\r\n`;
}
