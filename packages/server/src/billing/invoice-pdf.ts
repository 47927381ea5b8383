import PDFDocument from "pdfkit";
import type { BillingDay } from "./calendar.ts";
import type { Invoice } from "./invoices.ts";
import { floorDiv } from "./money.ts";

/** What the invoice itself does not say: whose it is, in what currency, and when it was printed. */
export interface InvoicePdfContext {
  operatorId: string;
  email: string;
  /** The provider's ISO 4217 currency; amounts are its minor units. */
  currency: string;
  /** The provider's tax rate now: a closed invoice does not record the rate it was taxed at. */
  taxRatePercent: number;
  /** The operator's today (its test clock's, if bound). */
  printedOn: BillingDay;
}

/** The 27 characters WinAnsiEncoding puts in 0x80–0x9F; with Latin-1 they are all a standard font draws. */
const winAnsiExtras = new Set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ");

/**
 * Text as the built-in Helvetica can draw it. Japanese and other scripts would need a CJK font of
 * several megabytes embedded, so each character the font lacks is printed as '?' instead.
 */
export function drawableText(text: string): string {
  let drawable = "";
  for (const character of text.replace(/\s/g, " ")) {
    const code = character.codePointAt(0) ?? 0;
    const latin = (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff);
    drawable += latin || winAnsiExtras.has(character) ? character : "?";
  }
  return drawable;
}

/** Integer minor units as an exact decimal string, so formatting never goes through floating point. */
function decimalOf(amount: number, fractionDigits: number): string {
  const sign = amount < 0 ? "-" : "";
  const digits = Math.abs(amount)
    .toString()
    .padStart(fractionDigits + 1, "0");
  if (fractionDigits === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -fractionDigits)}.${digits.slice(-fractionDigits)}`;
}

/** Amounts with the currency's symbol (¥10,000; €12.50), or its code where the font lacks the symbol (₹). */
export function amountFormatter(currency: string): (amount: number) => string {
  const bySymbol = new Intl.NumberFormat("en", { style: "currency", currency });
  const { maximumFractionDigits } = bySymbol.resolvedOptions();
  const fractionDigits = maximumFractionDigits ?? 0;
  const symbol = bySymbol.formatToParts(0).find((part) => part.type === "currency")?.value ?? "";
  const format =
    drawableText(symbol) === symbol
      ? bySymbol
      : new Intl.NumberFormat("en", { style: "currency", currency, currencyDisplay: "code" });
  return (amount) => format.format(decimalOf(amount, fractionDigits) as `${number}`);
}

/** "Tax (10%)" when the rate gives this invoice's tax; a rate changed since it closed is left out. */
function taxLabel(invoice: Invoice, taxRatePercent: number): string {
  const tax = floorDiv(BigInt(invoice.subtotal) * BigInt(taxRatePercent), 100n);
  return tax === BigInt(invoice.tax) ? `Tax (${taxRatePercent}%)` : "Tax";
}

const page = { margin: 56, width: 595.28 };
const columns = { kind: page.margin, description: 170, amount: 420, right: page.width - page.margin };

/** An invoice as an A4 PDF a person can file (issue 14): who, which month, each line and every figure. */
export function invoicePdf(invoice: Invoice, context: InvoicePdfContext): Promise<Uint8Array> {
  const money = amountFormatter(context.currency);
  const document = new PDFDocument({
    size: "A4",
    margin: page.margin,
    info: {
      Title: `Invoice ${invoice.month}`,
      CreationDate: new Date(`${context.printedOn}T00:00:00Z`),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    document.on("data", (chunk: Buffer) => chunks.push(chunk));
    document.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    document.on("error", reject);
  });

  document.font("Helvetica-Bold").fontSize(20).text(`Invoice ${invoice.month}`);
  document.font("Helvetica").fontSize(10).moveDown(0.5);
  if (invoice.status === "open")
    document.text("Preliminary: the month is not over, so these figures may still change.");
  document.moveDown(0.5);
  const details: Array<[string, string]> = [
    ["Provider", `amounts in ${context.currency}`],
    ["Operator", drawableText(`${context.operatorId}  ${context.email}`)],
    ["Invoice month", invoice.month],
    ["Status", invoice.status === "open" ? "preliminary" : "closed"],
    ["Due date", invoice.dueDate],
    ["Printed on", context.printedOn],
  ];
  for (const [label, value] of details) row(label, value);

  document.moveDown();
  document.font("Helvetica-Bold");
  lineRow("Kind", "Description", "Amount");
  document.font("Helvetica");
  rule();
  for (const line of invoice.lines) lineRow(line.kind, drawableText(line.description), money(line.amount));
  rule();

  const figures: Array<[string, number]> = [
    ["Subtotal", invoice.subtotal],
    [taxLabel(invoice, context.taxRatePercent), invoice.tax],
    ["Late interest", invoice.lateInterest],
    ["Total", invoice.total],
    ["Coupons applied", invoice.couponApplied],
    ["Amount due", invoice.amountDue],
    ["Paid", invoice.paidAmount],
  ];
  for (const [label, amount] of figures) {
    if (label === "Amount due") document.font("Helvetica-Bold");
    lineRow("", label, money(amount));
    document.font("Helvetica");
  }
  document.end();
  return done;

  function row(label: string, value: string) {
    const y = document.y;
    document.text(label, columns.kind, y, { width: columns.description - columns.kind - 8 });
    document.text(value, columns.description, y, { width: columns.right - columns.description });
  }

  /** One row of the table; the description wraps, so the next row starts below the tallest cell. */
  function lineRow(kind: string, description: string, amount: string) {
    const y = document.y;
    document.text(kind, columns.kind, y, { width: columns.description - columns.kind - 8 });
    const below = document.y;
    document.text(description, columns.description, y, { width: columns.amount - columns.description - 8 });
    const belowDescription = document.y;
    document.text(amount, columns.amount, y, { width: columns.right - columns.amount, align: "right" });
    document.y = Math.max(below, belowDescription, document.y) + 2;
  }

  function rule() {
    document.moveTo(page.margin, document.y).lineTo(columns.right, document.y).lineWidth(0.5).stroke();
    document.y += 4;
  }
}
