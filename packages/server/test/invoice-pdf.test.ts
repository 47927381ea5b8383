// Invoices downloaded as PDF through the API (issue 14), by the operator and by the provider, on an
// operator the provider created on a test clock with a paid plan whose name is Japanese.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useContractDatabases } from "./databases.ts";
import { type ApiSession, logIn, startTestConflux, testPassword } from "./harness.ts";
import { pdfText } from "./pdf-text.ts";
import { providerSession } from "./provider-session.ts";

const { databases } = await useContractDatabases("invoice-pdf");

describe.each(databases)("invoices as PDF on %s", (_name, database) => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let admin: ApiSession;
  let operator: ApiSession;
  const email = `pdf-${Date.now()}@example.com`;

  beforeAll(async () => {
    if (!database) return;
    conflux = await startTestConflux({ database });
    admin = await providerSession(conflux);
    await admin.call("PUT", "/v1/provider/plans/hyojun", {
      name: "標準",
      monthlyFee: 12_345,
      included: { events: 1_000, aiCredits: 0 },
    });
    const clock = await admin.call("POST", "/v1/provider/test_clocks", {
      frozenTime: "2027-01-20T09:00:00Z",
    });
    const created = await admin.call("POST", "/v1/provider/operators", {
      email,
      password: testPassword,
      planId: "hyojun",
      testClockId: clock.body.testClockId,
    });
    if (created.status !== 201) throw new Error(`provider create: ${created.status} ${created.text}`);
    operator = await logIn(conflux.url, email);
    await admin.call("POST", "/v1/provider/coupons", {
      amount: 3_000,
      expiryMonth: "2027-06",
      code: "FILED",
    });
    expect((await operator.call("POST", "/v1/coupons", { couponCode: "FILED" })).status).toBe(201);
    const advanced = await admin.call("POST", `/v1/provider/test_clocks/${clock.body.testClockId}/advance`, {
      frozenTime: "2027-02-05T00:00:00Z",
    });
    expect(advanced.status).toBe(200);
    const paid = await admin.call("POST", `/v1/provider/operators/${operator.operatorId}/payments`, {
      month: "2027-01",
      amount: 2_000,
      paidOn: "2027-02-05",
    });
    expect(paid.status).toBe(201);
  });
  afterAll(async () => conflux?.cleanUp());

  const download = (path: string, session: ApiSession) =>
    fetch(`${conflux.url}${path}`, { headers: session.headers });

  it.skipIf(!database)(
    "gives the operator its closed month as a PDF to file, amount due and all",
    async () => {
      const response = await download("/v1/invoices/2027-01/export?format=pdf", operator);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/pdf");
      expect(response.headers.get("content-disposition")).toBe('attachment; filename="invoice-2027-01.pdf"');
      const lines = (await pdfText(new Uint8Array(await response.arrayBuffer()))).split("\n");
      // ⌊12,345 × 10 / 100⌋ = 1,234 tax; 13,579 total, 3,000 of it paid by the coupon.
      expect(lines).toEqual(
        expect.arrayContaining([
          `Operator ${operator.operatorId} ${email}`,
          "Status closed",
          "plan ?? plan, 2027-01 ¥12,345",
          "Subtotal ¥12,345",
          "Tax (10%) ¥1,234",
          "Total ¥13,579",
          "Coupons applied ¥3,000",
          "Amount due ¥10,579",
          "Paid ¥2,000",
          "Due date 2027-02-28",
          "Printed on 2027-02-05",
        ]),
      );
    },
  );

  it.skipIf(!database)("calls the month so far preliminary, and keeps CSV the default", async () => {
    const open = await download("/v1/invoices/2027-02/export?format=pdf", operator);
    const text = await pdfText(new Uint8Array(await open.arrayBuffer()));
    expect(text).toContain("Status preliminary");
    expect(text).toContain("Amount due ¥13,579");
    const csv = await download("/v1/invoices/2027-01/export", operator);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toContain("invoice-2027-01.csv");
  });

  it.skipIf(!database)("refuses a format it does not make, and a month without an invoice", async () => {
    const xml = await operator.call("GET", "/v1/invoices/2027-01/export?format=xml");
    expect(xml.status).toBe(400);
    expect(xml.text).toMatch(/csv.*pdf/);
    expect((await operator.call("GET", "/v1/invoices/2026-12/export?format=pdf")).status).toBe(404);
  });

  it.skipIf(!database)(
    "gives the provider the same PDF of an operator's month, and 404 for another operator",
    async () => {
      const base = `/v1/provider/operators/${operator.operatorId}/invoices/2027-01/export`;
      const response = await download(`${base}?format=pdf`, admin);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-disposition")).toBe('attachment; filename="invoice-2027-01.pdf"');
      const text = await pdfText(new Uint8Array(await response.arrayBuffer()));
      expect(text).toContain(`Operator ${operator.operatorId} ${email}`);
      expect(text).toContain("Amount due ¥10,579");
      const csv = await admin.call("GET", base);
      expect(csv.text).toContain("2027-01,closed,amount_due,due on 2027-02-28,10579");
      expect(
        (await admin.call("GET", "/v1/provider/operators/OP0000000000/invoices/2027-01/export?format=pdf"))
          .status,
      ).toBe(404);
      expect((await operator.call("GET", `${base}?format=pdf`)).status).toBe(401);
    },
  );
});
