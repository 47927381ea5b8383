import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client.ts";
import type { Session } from "../api/session.ts";
import { Layout } from "../shell/Layout.tsx";
import { matchRoute, pathOf } from "../shell/router.tsx";
import { renderPage } from "../shell/testing.tsx";
import { BillingPage } from "./BillingPage.tsx";
import { describePlanChangeCost, firstDayOfNextMonth, planChangeCost } from "./plan-change-cost.ts";
import type { Invoice, Plan, ServiceApi } from "./service-api.ts";

const root: Session = { operatorId: "OP0000000001", email: "me@example.com" };
const user: Session = { operatorId: "OP0000000001", userName: "accounts" };

const plan = (planId: string, name: string, monthlyFee: number): Plan => ({
  planId,
  name,
  monthlyFee,
  included: { events: 0, aiCredits: 0 },
  limits: {},
  features: [],
});
const developer = plan("developer", "Developer", 0);
const standard = plan("standard", "Standard", 10_000);
const business = plan("business", "Business", 30_000);

const open: Invoice = {
  month: "2027-03",
  status: "open",
  lines: [
    { kind: "plan", description: "Standard plan, 2027-03", amount: 10_000 },
    { kind: "late_interest", description: "Late interest", amount: 12 },
  ],
  subtotal: 10_000,
  tax: 1_000,
  lateInterest: 12,
  total: 11_012,
  couponApplied: 0,
  amountDue: 11_012,
  paidAmount: 0,
  dueDate: "2027-04-30",
};
const february: Invoice = {
  ...open,
  month: "2027-02",
  status: "closed",
  lines: [{ kind: "plan", description: "Standard plan, 2027-02", amount: 10_000 }],
  lateInterest: 0,
  total: 11_000,
  amountDue: 11_000,
  paidAmount: 4_000,
  dueDate: "2027-03-31",
};
const january: Invoice = {
  ...february,
  month: "2027-01",
  couponApplied: 3_000,
  amountDue: 8_000,
  paidAmount: 8_000,
  dueDate: "2027-02-28",
};

function renderBilling(service: Partial<ServiceApi>, session: Session = root, can = (_name: string) => true) {
  return renderPage(
    <BillingPage />,
    {},
    { session },
    {},
    { can, known: true },
    {
      listInvoices: async () => [open, february, january],
      listCoupons: async () => [
        { couponCode: "WELCOME", amount: 5_000, balance: 2_000, expiryMonth: "2027-06" },
      ],
      listPlans: async () => [developer, standard, business],
      getPlan: async () => ({ planId: "standard" }),
      ...service,
    },
  );
}

afterEach(() => vi.restoreAllMocks());

describe("what a plan change costs, from the fees only", () => {
  it("is this month's plan line at the higher fee for an upgrade, the next month for a downgrade", () => {
    expect(planChangeCost(standard, business, "2027-03")).toEqual({
      when: "now",
      monthlyFee: 30_000,
      planLineThisMonth: 30_000,
      moreThisMonth: 20_000,
    });
    expect(planChangeCost(standard, developer, "2027-12")).toEqual({
      when: "next-month",
      monthlyFee: 0,
      from: "2028-01-01",
      planLineThisMonth: 10_000,
    });
    // The same fee is no upgrade: it waits for next month too.
    expect(planChangeCost(standard, plan("other", "Other", 10_000), "2027-03").when).toBe("next-month");
    expect(planChangeCost(standard, standard, "2027-03").when).toBe("current");
    expect(firstDayOfNextMonth("2027-01")).toBe("2027-02-01");
    expect(describePlanChangeCost(planChangeCost(standard, developer, "2027-03"))).toBe(
      `Applies from 2027-04-01: this month stays at ${(10_000).toLocaleString()}`,
    );
  });
});

describe("the billing page", () => {
  it("is at /billing, in the navigation for those allowed Billing:listInvoices only", async () => {
    expect(matchRoute(pathOf({ page: "billing" }))).toEqual({ page: "billing" });
    const { unmount } = renderPage(
      <Layout>page</Layout>,
      {},
      { session: user },
      {},
      {
        can: (name) => name !== "Billing:listInvoices",
        known: true,
      },
    );
    await screen.findByRole("link", { name: "Usage" });
    expect(screen.queryByRole("link", { name: "Billing" })).toBeNull();
    unmount();
    renderPage(<Layout>page</Layout>, {}, { session: user });
    expect(await screen.findByRole("link", { name: "Billing" })).toBeTruthy();
  });

  it("shows this month so far and every invoice with what is paid", async () => {
    renderBilling({});
    const thisMonth = await screen.findByRole("region", { name: "This month so far (2027-03)" });
    expect(within(thisMonth).getByRole("table", { name: "Lines of 2027-03" }).textContent).toContain(
      `Standard plan, 2027-03${(10_000).toLocaleString()}`,
    );
    expect(within(thisMonth).getByTestId("this-month-total").textContent).toBe((11_012).toLocaleString());
    const invoices = screen.getByRole("table", { name: "Invoices" });
    const rows = within(invoices).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell")[0]?.textContent)).toEqual([
      "2027-03",
      "2027-02",
      "2027-01",
    ]);
    expect(screen.getByTestId("payment-2027-02").textContent).toBe("partly paid");
    expect(screen.getByTestId("payment-2027-01").textContent).toBe("paid");
    expect(rows[2]?.textContent).toContain((8_000).toLocaleString());
    expect(rows[2]?.textContent).toContain("2027-02-28");
  });

  it("downloads an invoice as CSV or PDF through the API client (the export needs the session's headers)", async () => {
    const exportInvoice = vi.fn(async () => new Blob(["month,status"], { type: "text/csv" }));
    const createObjectURL = vi.spyOn(URL, "createObjectURL").mockReturnValue("blob:invoice");
    vi.spyOn(URL, "revokeObjectURL").mockImplementation(() => {});
    renderBilling({ exportInvoice });
    fireEvent.click(await screen.findByRole("button", { name: "Download 2027-01 as CSV" }));
    await waitFor(() => expect(exportInvoice).toHaveBeenCalledWith("2027-01", "csv"));
    await waitFor(() => expect(createObjectURL).toHaveBeenCalledTimes(1));
    fireEvent.click(screen.getByRole("button", { name: "Download 2027-02 as PDF" }));
    await waitFor(() => expect(exportInvoice).toHaveBeenCalledWith("2027-02", "pdf"));
  });

  it("lists coupons with their balances, and the root user registers one", async () => {
    const registerCoupon = vi.fn(async (couponCode: string) => ({
      couponCode,
      amount: 1_000,
      balance: 1_000,
      expiryMonth: "2027-09",
    }));
    renderBilling({ registerCoupon });
    const coupons = await screen.findByRole("table", { name: "Coupons" });
    await within(coupons).findByText("WELCOME");
    expect(within(coupons).getAllByRole("row")[1]?.textContent).toBe(
      `WELCOME${(5_000).toLocaleString()}${(2_000).toLocaleString()}2027-06`,
    );
    const form = screen.getByRole("form", { name: "Register a coupon" });
    fireEvent.change(within(form).getByLabelText("Coupon code"), { target: { value: " SPRING-27 " } });
    fireEvent.click(within(form).getByRole("button", { name: "Register coupon" }));
    await waitFor(() => expect(registerCoupon).toHaveBeenCalledWith("SPRING-27"));
  });

  it("says why a coupon was refused", async () => {
    renderBilling({
      registerCoupon: async () => {
        throw new ApiError(409, "conflict", "the coupon USED is registered already");
      },
    });
    const form = await screen.findByRole("form", { name: "Register a coupon" });
    fireEvent.change(within(form).getByLabelText("Coupon code"), { target: { value: "USED" } });
    fireEvent.click(within(form).getByRole("button", { name: "Register coupon" }));
    expect((await screen.findByRole("alert")).textContent).toContain("registered already");
  });

  it("shows each plan's fee and when a change applies, and changes the plan", async () => {
    const listInvoices = vi.fn(async () => [open]);
    const changePlan = vi.fn(async () => ({ planId: "business" }));
    renderBilling({ listInvoices, changePlan });
    expect((await screen.findByTestId("cost-business")).textContent).toBe(
      `Applies now: this month's plan line becomes ${(30_000).toLocaleString()} (${(20_000).toLocaleString()} more, before tax)`,
    );
    expect(screen.getByTestId("cost-developer").textContent).toBe(
      `Applies from 2027-04-01: this month stays at ${(10_000).toLocaleString()}`,
    );
    expect(screen.getByTestId("cost-standard").textContent).toBe("Your plan");
    expect(screen.queryByRole("button", { name: "Change to Standard" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Change to Business" }));
    const dialog = screen.getByRole("dialog", { name: "Change to Business?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Change plan" }));
    await waitFor(() => expect(changePlan).toHaveBeenCalledWith("business"));
    // This month's figures are read again: the plan line follows the upgrade.
    await waitFor(() => expect(listInvoices).toHaveBeenCalledTimes(2));
    expect(await screen.findByTestId("cost-business")).toHaveProperty("textContent", "Your plan");
  });

  it("offers a user allowed Billing:* the invoices, but neither registering coupons nor changing plans", async () => {
    const listPlans = vi.fn(async () => [standard]);
    renderBilling({ listPlans }, user, (name) => name !== "Coupon:listCoupons");
    await screen.findByRole("table", { name: "Invoices" });
    expect(screen.queryByRole("table", { name: "Coupons" })).toBeNull();
    expect(screen.queryByRole("form", { name: "Register a coupon" })).toBeNull();
    expect(screen.queryByRole("region", { name: "Change plan" })).toBeNull();
    expect(listPlans).not.toHaveBeenCalled();
  });
});
