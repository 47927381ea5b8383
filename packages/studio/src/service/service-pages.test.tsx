import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError, type HttpClient } from "../api/client.ts";
import type { Session } from "../api/session.ts";
import { Layout } from "../shell/Layout.tsx";
import { matchRoute, pathOf } from "../shell/router.tsx";
import { renderPage } from "../shell/testing.tsx";
import { OutagesPage } from "./OutagesPage.tsx";
import { PlanPage } from "./PlanPage.tsx";
import type { Plan, ServiceApi, Usage } from "./service-api.ts";
import { reportingSuspension, SuspensionRefusalContext } from "./suspension.tsx";
import { UsagePage } from "./UsagePage.tsx";

const root: Session = { operatorId: "OP0000000001", email: "me@example.com" };
const user: Session = { operatorId: "OP0000000001", userName: "ops" };
const everything = { can: () => true, known: true };

function renderService(
  page: React.ReactNode,
  service: Partial<ServiceApi>,
  session: Session = root,
  overrides: { logIn?: (session: Session) => void } = {},
) {
  return renderPage(page, { logOut: async () => {} }, { session, ...overrides }, {}, everything, service);
}

const usage: Usage = {
  month: "2026-12",
  events: { used: 1500, included: 1000, quota: 5000, planLimit: 2000 },
  aiCredits: { used: 3, included: 100 },
  daily: [
    { date: "2026-12-01", events: 1000, aiCredits: 1 },
    { date: "2026-12-02", events: 500, aiCredits: 2 },
  ],
};

describe("the service routes", () => {
  it("map /usage, /plan and /outages both ways", () => {
    for (const page of ["usage", "plan", "outages"] as const)
      expect(matchRoute(pathOf({ page }))).toEqual({ page });
  });
});

describe("the usage page", () => {
  it("shows the month's use against the included amount and the lower cap, day by day", async () => {
    renderService(<UsagePage />, { getUsage: async () => usage, getQuotas: async () => ({ events: 5000 }) });
    const events = await screen.findByRole("region", { name: "Events" });
    expect(within(events).getByTestId("Events-used").textContent).toBe((1500).toLocaleString());
    expect(within(events).getByText("Left before the plan limit").nextElementSibling?.textContent).toBe(
      "500",
    );
    expect(
      within(events).getByText("Beyond included (billed as overage)").nextElementSibling?.textContent,
    ).toBe("500");
    const credits = screen.getByRole("region", { name: "AI credits" });
    expect(within(credits).getByText("Your quota").nextElementSibling?.textContent).toBe("no cap");
    expect(screen.getByRole("heading", { name: "Usage in 2026-12" })).toBeTruthy();
    expect(screen.getAllByRole("row").map((row) => row.textContent)).toContain(
      `2026-12-02${(500).toLocaleString()}2`,
    );
  });

  it("saves a typed cap and removes one with 'No cap' (null), sending both fields", async () => {
    const updateQuotas = vi.fn(async () => ({ aiCredits: 40 }));
    renderService(<UsagePage />, {
      getUsage: async () => usage,
      getQuotas: async () => ({ events: 5000 }),
      updateQuotas,
    });
    const form = await screen.findByRole("form", { name: "Quotas" });
    const [eventsNoCap, creditsNoCap] = within(form).getAllByLabelText("No cap");
    expect((eventsNoCap as HTMLInputElement).checked).toBe(false);
    fireEvent.click(eventsNoCap as HTMLElement);
    fireEvent.click(creditsNoCap as HTMLElement);
    const credits = within(form).getByLabelText("Cap on AI credits a month");
    fireEvent.change(credits, { target: { value: "4.5" } });
    expect(within(form).getByText("A whole number, 0 or more.")).toBeTruthy();
    expect(within(form).getByRole("button", { name: "Save quotas" })).toHaveProperty("disabled", true);
    fireEvent.change(credits, { target: { value: "40" } });
    fireEvent.click(within(form).getByRole("button", { name: "Save quotas" }));
    await waitFor(() => expect(updateQuotas).toHaveBeenCalledWith({ events: null, aiCredits: 40 }));
  });

  it("shows the quotas read-only without Usage:updateUsageQuotas", async () => {
    renderPage(
      <UsagePage />,
      {},
      { session: user },
      {},
      { can: (name) => name !== "Usage:updateUsageQuotas", known: true },
      { getUsage: async () => usage, getQuotas: async () => ({}) },
    );
    await screen.findByRole("form", { name: "Quotas" });
    expect(screen.queryByRole("button", { name: "Save quotas" })).toBeNull();
  });
});

const developer: Plan = {
  planId: "developer",
  name: "Developer",
  monthlyFee: 0,
  included: { events: 0, aiCredits: 0 },
  limits: {},
  features: [],
};
const standard: Plan = {
  planId: "standard",
  name: "Standard",
  monthlyFee: 5000,
  included: { events: 100_000, aiCredits: 1000 },
  overage: { events: { blockSize: 10_000, pricePerBlock: 300 } },
  limits: { apps: 20 },
  features: ["timer.cron"],
};

describe("the plan page", () => {
  it("shows the current plan and a downgrade waiting for next month", async () => {
    const changePlan = vi.fn(async () => ({
      planId: "standard",
      pendingPlanId: "developer",
      pendingFrom: "2027-01-01",
    }));
    renderService(<PlanPage />, {
      listPlans: async () => [developer, standard],
      getPlan: async () => ({ planId: "standard" }),
      changePlan,
    });
    expect((await screen.findByTestId("current-plan")).textContent).toBe("Standard");
    expect(screen.queryByRole("button", { name: "Change to Standard" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Change to Developer" }));
    const dialog = screen.getByRole("dialog", { name: "Change to Developer?" });
    expect(dialog.textContent).toContain("A downgrade: it applies from the first day of next month.");
    fireEvent.click(within(dialog).getByRole("button", { name: "Change plan" }));
    await screen.findByText("From 2027-01-01, your plan is Developer.");
    expect(changePlan).toHaveBeenCalledWith("developer");
  });

  it("says why a change was refused", async () => {
    renderService(<PlanPage />, {
      listPlans: async () => [developer, standard],
      getPlan: async () => ({ planId: "standard" }),
      changePlan: async () => {
        throw new ApiError(409, "conflict", "the developer plan lacks timer.cron, used by app 'Night shift'");
      },
    });
    fireEvent.click(await screen.findByRole("button", { name: "Change to Developer" }));
    fireEvent.click(screen.getByRole("button", { name: "Change plan" }));
    expect((await screen.findByRole("alert")).textContent).toContain("lacks timer.cron");
  });
});

describe("the outages page", () => {
  const outage = {
    outageId: "out-1",
    startedAt: "2026-11-01T00:00:00.000Z",
    endedAt: "2026-11-03T23:00:00.000Z",
    description: "Database lost",
    hours: 71,
    claimable: true,
  };

  it("lets the root user claim a claimable outage, and shows the claim", async () => {
    let claims: { claimId: string; outageId: string; days: number }[] = [];
    const claimOutage = vi.fn(async (outageId: string) => {
      claims = [{ claimId: "c-1", outageId, days: 2 }];
      return claims[0] as (typeof claims)[number];
    });
    renderService(<OutagesPage />, {
      listOutages: async () => [{ ...outage, claimable: claims.length === 0 }],
      listClaims: async () => claims,
      claimOutage,
    });
    fireEvent.click(await screen.findByRole("button", { name: /^Claim credit for the outage/ }));
    await screen.findByText("Claimed: 2 days");
    expect(claimOutage).toHaveBeenCalledWith("out-1");
  });

  it("offers no claim button to a user", async () => {
    renderService(<OutagesPage />, { listOutages: async () => [outage], listClaims: async () => [] }, user);
    await screen.findByText("The root user can claim it");
    expect(screen.queryByRole("button", { name: /Claim credit/ })).toBeNull();
  });
});

describe("the banners above every page", () => {
  it("name the reason of a suspended account, and show notices and maintenance", async () => {
    renderService(<Layout>page</Layout>, {
      getStanding: async () => ({
        operatorId: "OP0000000001",
        status: "suspended",
        statusReason: "unpaid_debt",
      }),
      listNotices: async () => ({
        notices: [
          {
            noticeId: "n-1",
            title: "New plan prices",
            body: "From January.",
            severity: "info",
            createdDateTime: 1,
          },
        ],
        maintenance: [
          {
            maintenanceId: "m-1",
            title: "Database upgrade",
            startsDateTime: 1_800_000_000,
            endsDateTime: 1_800_003_600,
          },
        ],
      }),
    });
    expect((await screen.findByTestId("suspension-reason")).textContent).toBe("unpaid debt");
    const notices = screen.getByRole("region", { name: "Notices from the provider" });
    expect(notices.textContent).toContain("New plan prices From January.");
    expect(notices.textContent).toContain("Maintenance: Database upgrade");
  });

  it("show the message of a call refused with operator_suspended", async () => {
    const refused: HttpClient = {
      json: async () => {
        throw new ApiError(403, "operator_suspended", "the operator is suspended: prohibited use");
      },
      raw: async () => new Response(),
    };
    const onSuspended = vi.fn();
    await expect(reportingSuspension(refused, onSuspended).json("POST", "/v1/apps")).rejects.toThrow(
      "the operator is suspended",
    );
    expect(onSuspended).toHaveBeenCalledWith("the operator is suspended: prohibited use");

    renderService(
      <SuspensionRefusalContext.Provider value="the operator is suspended: prohibited use">
        <Layout>page</Layout>
      </SuspensionRefusalContext.Provider>,
      {},
    );
    expect((await screen.findByTestId("suspension-reason")).textContent).toBe(
      "the operator is suspended: prohibited use",
    );
  });

  it("show no Plan page to a user, only to the root user", async () => {
    renderService(<Layout>page</Layout>, {}, user);
    const nav = screen.getByRole("navigation", { name: "Main" });
    expect(within(nav).getByRole("link", { name: "Usage" })).toBeTruthy();
    expect(within(nav).queryByRole("link", { name: "Plan" })).toBeNull();
  });
});

describe("a partner's customer switcher", () => {
  it("switches to a customer with a short-lived session and keeps the partner's session to return to", async () => {
    const logIn = vi.fn();
    const switchUser = vi.fn(async () => ({ operatorId: "OP0000000002" }));
    renderService(
      <Layout>page</Layout>,
      {
        listCustomers: async () => [
          {
            operatorId: "OP0000000002",
            email: "shop@example.com",
            status: "active",
            createDateTime: 1,
            usage: { month: "2026-12", events: 3, aiCredits: 0 },
          },
        ],
        switchUser,
      },
      root,
      { logIn },
    );
    const switcher = await screen.findByLabelText("Act as a customer");
    fireEvent.change(switcher, { target: { value: "OP0000000002" } });
    await waitFor(() =>
      expect(logIn).toHaveBeenCalledWith({
        operatorId: "OP0000000002",
        email: "shop@example.com",
        actingFrom: root,
      }),
    );
    expect(switchUser).toHaveBeenCalledWith("OP0000000002");
  });

  it("while acting as a customer, shows whose account it is and returns to the partner's", async () => {
    const logIn = vi.fn();
    const switchBack = vi.fn(async () => undefined);
    const customer: Session = {
      operatorId: "OP0000000002",
      email: "shop@example.com",
      actingFrom: root,
    };
    renderPage(<Layout>page</Layout>, { switchBack }, { session: customer, logIn }, {}, everything, {});
    expect(screen.getByTestId("acting-as").textContent).toBe("shop@example.com");
    expect(screen.queryByLabelText("Act as a customer")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Return to your account" }));
    await waitFor(() => expect(logIn).toHaveBeenCalledWith(root));
    expect(switchBack).toHaveBeenCalled();
  });
});
