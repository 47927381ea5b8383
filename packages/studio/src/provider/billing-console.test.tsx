import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client.ts";
import { Router } from "../shell/router.tsx";
import { ToastProvider } from "../ui/Toast.tsx";
import { OverduePage } from "./OverduePage.tsx";
import { PaymentsPage } from "./PaymentsPage.tsx";
import { ProviderCouponsPage } from "./ProviderCouponsPage.tsx";
import { type NewCoupon, type ProviderApi, ProviderApiContext, type ProviderCoupon } from "./provider-api.ts";
import { matchProviderRoute, providerPathOf } from "./provider-routes.ts";

function renderProvider(page: ReactNode, api: Partial<ProviderApi>) {
  return render(
    <ToastProvider>
      <Router>
        <ProviderApiContext.Provider value={api as ProviderApi}>{page}</ProviderApiContext.Provider>
      </Router>
    </ToastProvider>,
  );
}

afterEach(() => window.history.replaceState(null, "", "/"));

const operatorId = "OP0000000008";

describe("the provider's money pages", () => {
  it("are at /provider/payments, /provider/overdue and /provider/coupons", () => {
    for (const page of ["payments", "overdue", "coupons"] as const)
      expect(matchProviderRoute(providerPathOf({ page }))).toEqual({ page });
  });
});

describe("the payments page", () => {
  it("records a payment of a closed month and says how late it was and where its interest goes", async () => {
    const recordPayment = vi.fn(async () => ({
      paymentId: "pay-1",
      month: "2027-01",
      amount: 8_000,
      paidOn: "2027-03-05",
      lateDays: 4,
      interestMonth: "2027-03",
    }));
    const listOperatorInvoices = vi.fn(async () => [
      {
        month: "2027-01",
        status: "closed" as const,
        lines: [],
        subtotal: 10_000,
        tax: 1_000,
        lateInterest: 0,
        total: 11_000,
        couponApplied: 3_000,
        amountDue: 8_000,
        paidAmount: 0,
        dueDate: "2027-02-28",
      },
    ]);
    renderProvider(<PaymentsPage />, { recordPayment, listOperatorInvoices });
    const form = screen.getByRole("form", { name: "Record a payment" });
    const submit = within(form).getByRole("button", { name: "Record payment" });
    expect(submit).toHaveProperty("disabled", true);
    fireEvent.change(within(form).getByLabelText("Operator id"), { target: { value: ` ${operatorId} ` } });
    fireEvent.click(within(form).getByRole("button", { name: "Show invoices" }));
    // Filling in from the operator's unpaid invoice: its month and what is still due.
    fireEvent.click(await screen.findByRole("button", { name: "Pay 2027-01" }));
    expect(within(form).getByLabelText("Month paid")).toHaveProperty("value", "2027-01");
    expect(within(form).getByLabelText("Amount")).toHaveProperty("value", "8000");
    fireEvent.change(within(form).getByLabelText("Amount"), { target: { value: "80.5" } });
    expect(within(form).getByText("A whole number, 1 or more.")).toBeTruthy();
    fireEvent.change(within(form).getByLabelText("Amount"), { target: { value: "8000" } });
    fireEvent.change(within(form).getByLabelText("Paid on"), { target: { value: "2027-03-05" } });
    fireEvent.click(submit);
    expect((await screen.findByTestId("late-days")).textContent).toBe("4");
    expect(screen.getByTestId("interest-month").textContent).toBe("2027-03");
    expect(recordPayment).toHaveBeenCalledWith(operatorId, {
      month: "2027-01",
      amount: 8_000,
      paidOn: "2027-03-05",
    });
    expect(listOperatorInvoices).toHaveBeenCalledTimes(2);
  });

  it("takes the operator, month and amount from the address, and shows a refusal", async () => {
    window.history.replaceState(
      null,
      "",
      `/provider/payments?operatorId=${operatorId}&month=2027-02&amount=11000`,
    );
    renderProvider(<PaymentsPage />, {
      recordPayment: async () => {
        throw new ApiError(400, "bad_request", "paidOn 2027-03-06 is after today (2027-03-05)");
      },
    });
    expect(screen.getByLabelText("Operator id")).toHaveProperty("value", operatorId);
    expect(screen.getByLabelText("Month paid")).toHaveProperty("value", "2027-02");
    expect(screen.getByLabelText("Amount")).toHaveProperty("value", "11000");
    fireEvent.change(screen.getByLabelText("Paid on"), { target: { value: "2027-03-06" } });
    fireEvent.click(screen.getByRole("button", { name: "Record payment" }));
    expect((await screen.findByRole("alert")).textContent).toContain("after today (2027-03-05)");
  });
});

describe("the coupons page", () => {
  it("issues a coupon with or without a code, and lists each with its holder and balance", async () => {
    let coupons: ProviderCoupon[] = [
      {
        couponCode: "WELCOME",
        amount: 5_000,
        balance: 2_000,
        expiryMonth: "2027-06",
        operatorId,
        registeredDateTime: 1_800_000_000,
      },
    ];
    const issueCoupon = vi.fn(async (coupon: NewCoupon) => {
      const { amount, expiryMonth } = coupon;
      const issued = { couponCode: coupon.code ?? "CP-GENERATED", amount, balance: amount, expiryMonth };
      coupons = [...coupons, issued];
      return issued;
    });
    renderProvider(<ProviderCouponsPage />, { listCoupons: async () => coupons, issueCoupon });
    const table = await screen.findByRole("table", { name: "Coupons" });
    await within(table).findByText("WELCOME");
    expect(within(table).getByRole("link", { name: operatorId })).toBeTruthy();
    const form = screen.getByRole("form", { name: "Issue a coupon" });
    fireEvent.change(within(form).getByLabelText("Amount"), { target: { value: "3000" } });
    fireEvent.change(within(form).getByLabelText("Usable until the end of"), {
      target: { value: "2027-12" },
    });
    fireEvent.change(within(form).getByLabelText("Code (optional)"), { target: { value: "a b" } });
    expect(within(form).getByRole("button", { name: "Issue coupon" })).toHaveProperty("disabled", true);
    fireEvent.change(within(form).getByLabelText("Code (optional)"), { target: { value: "" } });
    fireEvent.click(within(form).getByRole("button", { name: "Issue coupon" }));
    await within(table).findByText("CP-GENERATED");
    expect(issueCoupon).toHaveBeenCalledWith({ amount: 3_000, expiryMonth: "2027-12" });
    expect(within(table).getAllByRole("row")[2]?.textContent).toContain("not registered");
  });
});

describe("the overdue page", () => {
  const row = (month: string, daysOverdue: number, outstanding: number) => ({
    operatorId,
    month,
    amountDue: 11_000,
    paidAmount: 11_000 - outstanding,
    outstanding,
    dueDate: "2027-02-28",
    daysOverdue,
  });

  it("lists overdue invoices, links a payment of each, and accelerates an operator", async () => {
    let overdue = [row("2027-01", 7, 7_000), row("2027-02", 2, 11_000)];
    const accelerate = vi.fn(async () => {
      overdue = [];
      return { acceleratedOn: "2027-03-07", months: ["2027-03"] };
    });
    renderProvider(<OverduePage />, { listOverdue: async () => overdue, accelerate });
    const table = await screen.findByRole("table", { name: "Overdue invoices" });
    await within(table).findByText("2027-01");
    expect(within(table).getAllByRole("row")[1]?.textContent).toContain((7_000).toLocaleString());
    // One accelerate button for the operator, however many months it owes.
    expect(within(table).getAllByRole("button", { name: `Accelerate ${operatorId}` })).toHaveLength(1);
    expect(
      within(table)
        .getByRole("link", { name: `Record a payment of 2027-01 for ${operatorId}` })
        .getAttribute("href"),
    ).toBe(`/provider/payments?operatorId=${operatorId}&month=2027-01&amount=7000`);
    fireEvent.click(within(table).getByRole("button", { name: `Accelerate ${operatorId}` }));
    const dialog = screen.getByRole("dialog", { name: `Accelerate ${operatorId}?` });
    fireEvent.click(within(dialog).getByRole("button", { name: "Accelerate" }));
    await screen.findByText("Nothing is overdue.");
    expect(accelerate).toHaveBeenCalledWith(operatorId);
    await waitFor(() =>
      expect(screen.getByText(`2027-03 of ${operatorId} now due on 2027-03-07`)).toBeTruthy(),
    );
  });
});
