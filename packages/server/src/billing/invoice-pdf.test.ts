import { describe, expect, it } from "vitest";
import { pdfText } from "../../test/pdf-text.ts";
import { amountFormatter, drawableText, type InvoicePdfContext, invoicePdf } from "./invoice-pdf.ts";
import type { Invoice } from "./invoices.ts";

const closed: Invoice = {
  month: "2027-01",
  status: "closed",
  lines: [
    { kind: "plan", description: "Standard plan, 2027-01", amount: 10_000 },
    { kind: "overage", description: "events beyond 1,000: 3 blocks of 500", amount: 1_234_567 },
    { kind: "outage_credit", description: "障害 2027-01-10 (outage)", amount: -500 },
    { kind: "late_interest", description: "late payment interest (14.5% a year)", amount: 12 },
  ],
  subtotal: 1_244_067,
  tax: 124_406,
  lateInterest: 12,
  total: 1_368_485,
  couponApplied: 3_000,
  amountDue: 1_365_485,
  paidAmount: 8_000,
  dueDate: "2027-02-28",
};

const context: InvoicePdfContext = {
  operatorId: "OP0000000001",
  email: "ann@example.com",
  currency: "JPY",
  taxRatePercent: 10,
  printedOn: "2027-03-05",
};

describe("an invoice as a PDF", () => {
  it("is a PDF that prints who, which month, each line and every figure in yen", async () => {
    const bytes = await invoicePdf(closed, context);
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe("%PDF-");
    const lines = (await pdfText(bytes)).split("\n");
    expect(lines).toEqual(
      expect.arrayContaining([
        "Invoice 2027-01",
        "Provider amounts in JPY",
        "Operator OP0000000001 ann@example.com",
        "Invoice month 2027-01",
        "Status closed",
        "Due date 2027-02-28",
        "plan Standard plan, 2027-01 ¥10,000",
        "overage events beyond 1,000: 3 blocks of 500 ¥1,234,567",
        "late_interest late payment interest (14.5% a year) ¥12",
        "Subtotal ¥1,244,067",
        "Tax (10%) ¥124,406",
        "Late interest ¥12",
        "Total ¥1,368,485",
        "Coupons applied ¥3,000",
        "Amount due ¥1,365,485",
        "Paid ¥8,000",
      ]),
    );
    expect(lines.join("\n")).not.toMatch(/preliminary/i);
  });

  it("prints Japanese it has no font for as '?', one for each character, without failing", async () => {
    const text = await pdfText(await invoicePdf(closed, context));
    expect(text).toContain("outage_credit ?? 2027-01-10 (outage) -¥500");
    expect(drawableText("請求 ¥1,000 — café 🙂\n")).toBe("?? ¥1,000 — café ? ");
  });

  it("calls an open invoice preliminary", async () => {
    const text = await pdfText(await invoicePdf({ ...closed, status: "open" }, context));
    expect(text).toContain("Status preliminary");
    expect(text).toContain("Preliminary: the month is not over, so these figures may still change.");
  });

  it("leaves out a tax rate that does not give the invoice's tax (the rate changed after it closed)", async () => {
    const text = await pdfText(await invoicePdf(closed, { ...context, taxRatePercent: 8 }));
    expect(text).toContain("\nTax ¥124,406");
    expect(text).not.toContain("Tax (8%)");
  });

  it("formats minor units with the currency's own decimals, and its code where the font lacks its symbol", () => {
    expect(amountFormatter("JPY")(1_234_567)).toBe("¥1,234,567");
    expect(amountFormatter("USD")(123_456)).toBe("$1,234.56");
    expect(amountFormatter("EUR")(-5)).toBe("-€0.05");
    expect(amountFormatter("KWD")(1_000_001)).toBe("KWD\u00a01,000.001");
    expect(amountFormatter("INR")(1_250)).toBe("INR\u00a012.50");
    // Beyond 2^53 / 100 a float would round the cents; the decimal string keeps them.
    expect(amountFormatter("USD")(Number.MAX_SAFE_INTEGER)).toBe("$90,071,992,547,409.91");
  });
});
