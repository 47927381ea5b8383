import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadSession } from "../api/session.ts";
import { Studio } from "../shell/Studio.tsx";
import { matchProviderRoute, providerPathOf } from "./provider-routes.ts";
import { loadProviderSession } from "./provider-session.ts";

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

const pending = {
  operatorId: "OP0000000007",
  email: "new@example.com",
  status: "pending",
  createDateTime: 1_790_000_000,
};
const active = { ...pending, operatorId: "OP0000000008", email: "shop@example.com", status: "active" };

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
  window.history.replaceState(null, "", "/");
});

/** The headers of every call the console made, in order. */
let sentHeaders: Record<string, string>[] = [];

/** A stand-in Conflux answering the provider console's calls, recording each as "METHOD url body". */
function stubProvider(answer: (method: string, url: string, body: unknown) => Response | undefined) {
  const calls: string[] = [];
  sentHeaders = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    const method = init.method ?? "GET";
    const body = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
    calls.push(`${method} ${url}${body === undefined ? "" : ` ${JSON.stringify(body)}`}`);
    sentHeaders.push({ ...(init.headers as Record<string, string>) });
    if (url === "/v1/provider/auth/session") return json(200, { email: "admin@provider.test" });
    return answer(method, url, body) ?? json(404, { code: "not_found", message: `no ${url}` });
  });
  return calls;
}

function signInAsProvider() {
  localStorage.setItem("conflux.provider-session", JSON.stringify({ email: "admin@provider.test" }));
}

describe("the provider console's routes", () => {
  it("map every page under /provider both ways", () => {
    expect(matchProviderRoute("/provider")).toEqual({ page: "operators" });
    expect(matchProviderRoute("/provider/operators/OP0000000001")).toEqual({
      page: "operator",
      operatorId: "OP0000000001",
    });
    expect(providerPathOf({ page: "operator", operatorId: "OP/1" })).toBe("/provider/operators/OP%2F1");
    for (const page of ["sign-in", "plans", "notices", "maintenance", "outages", "usage"] as const)
      expect(matchProviderRoute(providerPathOf({ page }))).toEqual({ page });
    expect(matchProviderRoute("/provider/plans/extra")).toEqual({ page: "not-found" });
  });
});

describe("the provider console", () => {
  it("has its own sign-in and session, apart from the operator's", async () => {
    const calls = stubProvider((_method, url) =>
      url.startsWith("/v1/provider/operators?")
        ? json(200, { items: [pending], nextCursor: null })
        : undefined,
    );
    window.history.replaceState(null, "", "/provider");
    render(<Studio />);
    await waitFor(() => expect(window.location.pathname).toBe("/provider/sign-in"));
    fireEvent.change(await screen.findByLabelText("E-mail"), { target: { value: "Admin@Provider.test" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "testPassword" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("link", { name: "OP0000000007" })).toBeTruthy();
    expect(window.location.pathname).toBe("/provider/operators");
    expect(calls[0]).toBe(
      'POST /v1/provider/auth/session {"email":"Admin@Provider.test","password":"testPassword"}',
    );
    // The session is the HttpOnly cookie the server set: the page keeps only who signed in, and its
    // calls carry the studio header, never a token.
    expect(loadProviderSession()).toEqual({ email: "admin@provider.test" });
    for (const headers of sentHeaders) {
      expect(headers["x-conflux-studio"]).toBe("1");
      expect(headers).not.toHaveProperty("x-conflux-token");
    }
    expect(loadSession()).toBeUndefined();
  });

  it("follows a sign-out in another tab back to its sign-in page", async () => {
    signInAsProvider();
    stubProvider((_method, url) =>
      url.startsWith("/v1/provider/operators?")
        ? json(200, { items: [pending], nextCursor: null })
        : undefined,
    );
    window.history.replaceState(null, "", "/provider/operators");
    render(<Studio />);
    await screen.findByRole("link", { name: "OP0000000007" });
    // What the other tab's sign-out does to the shared storage, and the event this tab gets for it.
    localStorage.removeItem("conflux.provider-session");
    window.dispatchEvent(new StorageEvent("storage", { key: "conflux.provider-session", newValue: null }));
    await waitFor(() => expect(window.location.pathname).toBe("/provider/sign-in"));
    expect(screen.queryByRole("link", { name: "OP0000000007" })).toBeNull();
  });

  it("finds operators by search and status, and pages with the nextCursor the API answers", async () => {
    signInAsProvider();
    const calls = stubProvider((_method, url) => {
      if (url === "/v1/provider/operators?limit=50") return json(200, { items: [pending], nextCursor: null });
      if (url === "/v1/provider/operators?search=shop&status=active&limit=50")
        return json(200, { items: [active], nextCursor: "after-8" });
      if (url === "/v1/provider/operators?search=shop&status=active&limit=50&cursor=after-8")
        return json(200, { items: [{ ...active, operatorId: "OP0000000009" }], nextCursor: null });
      return undefined;
    });
    window.history.replaceState(null, "", "/provider/operators");
    render(<Studio />);
    await screen.findByRole("link", { name: "OP0000000007" });
    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "active" } });
    fireEvent.change(screen.getByLabelText("Search"), { target: { value: " shop " } });
    fireEvent.click(screen.getByRole("button", { name: "Search" }));
    await screen.findByRole("link", { name: "OP0000000008" });
    expect(screen.queryByRole("link", { name: "OP0000000007" })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "More operators" }));
    await screen.findByRole("link", { name: "OP0000000009" });
    expect(screen.getByRole("link", { name: "OP0000000008" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "More operators" })).toBeNull();
    expect(calls.every((call) => !call.includes("/v1/operators"))).toBe(true);
  });

  it("suspends an operator with a reason from the terms, then offers to resume it", async () => {
    signInAsProvider();
    let operator: Record<string, unknown> = active;
    const calls = stubProvider((method, url, body) => {
      if (url === "/v1/provider/operators/OP0000000008") return json(200, operator);
      if (url === "/v1/provider/operators/OP0000000008/plan") return json(200, { planId: "developer" });
      if (url === "/v1/provider/plans") return json(200, []);
      if (method === "POST" && url === "/v1/provider/operators/OP0000000008/suspend") {
        operator = { ...active, status: "suspended", statusReason: (body as { reason: string }).reason };
        return json(200, operator);
      }
      return undefined;
    });
    window.history.replaceState(null, "", "/provider/operators/OP0000000008");
    render(<Studio />);
    fireEvent.click(await screen.findByRole("button", { name: "Suspend" }));
    const dialog = screen.getByRole("dialog", { name: "Suspend the operator" });
    const confirm = within(dialog).getByRole("button", { name: "Suspend" });
    expect(confirm).toHaveProperty("disabled", true);
    fireEvent.change(within(dialog).getByLabelText("Reason"), { target: { value: "unpaid_debt" } });
    fireEvent.change(within(dialog).getByLabelText("Message to the operator"), {
      target: { value: "Invoice 2026-10 is unpaid." },
    });
    fireEvent.click(confirm);
    expect((await screen.findByTestId("status-reason")).textContent?.trim()).toBe("unpaid debt");
    expect(screen.getByRole("button", { name: "Resume" })).toBeTruthy();
    expect(calls).toContain(
      'POST /v1/provider/operators/OP0000000008/suspend {"reason":"unpaid_debt","message":"Invoice 2026-10 is unpaid."}',
    );
  });

  it("refuses an application only with one of article 3.2's reasons", async () => {
    signInAsProvider();
    let operator: Record<string, unknown> = pending;
    const calls = stubProvider((method, url) => {
      if (url === "/v1/provider/operators/OP0000000007") return json(200, operator);
      if (url.endsWith("/plan")) return json(200, { planId: "developer" });
      if (url === "/v1/provider/plans") return json(200, []);
      if (method === "POST" && url.endsWith("/refuse")) {
        operator = { ...pending, status: "refused", statusReason: "terminated_before" };
        return json(200, operator);
      }
      return undefined;
    });
    window.history.replaceState(null, "", "/provider/operators/OP0000000007");
    render(<Studio />);
    expect(await screen.findByRole("button", { name: "Accept" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Refuse" }));
    const dialog = screen.getByRole("dialog", { name: "Refuse the application" });
    const reasons = within(dialog)
      .getAllByRole("option")
      .map((option) => (option as HTMLOptionElement).value);
    expect(reasons).toEqual([
      "",
      "payment_risk",
      "harms_credit",
      "infringes_rights",
      "breach_of_trust",
      "usage_restriction",
      "terminated_before",
      "false_information",
      "unusable_card",
    ]);
    fireEvent.change(within(dialog).getByLabelText("Reason"), { target: { value: "terminated_before" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Refuse" }));
    expect((await screen.findByTestId("status-reason")).textContent?.trim()).toBe("terminated_before");
    expect(screen.queryByRole("button", { name: "Accept" })).toBeNull();
    expect(calls).toContain('POST /v1/provider/operators/OP0000000007/refuse {"reason":"terminated_before"}');
  });

  it("sets an operator's plan at once, makes it a partner, and shows its usage", async () => {
    signInAsProvider();
    let planId = "developer";
    const calls = stubProvider((method, url, body) => {
      if (url === "/v1/provider/operators/OP0000000008") return json(200, active);
      if (url === "/v1/provider/operators/OP0000000008/plan") {
        if (method === "PUT") planId = (body as { planId: string }).planId;
        return json(200, { planId });
      }
      if (url === "/v1/provider/plans")
        return json(200, [
          {
            planId: "developer",
            name: "Developer",
            monthlyFee: 0,
            included: { events: 0, aiCredits: 0 },
            limits: {},
            features: [],
          },
          {
            planId: "standard",
            name: "Standard",
            monthlyFee: 5000,
            included: { events: 10, aiCredits: 0 },
            limits: {},
            features: [],
          },
        ]);
      if (method === "PUT" && url === "/v1/provider/operators/OP0000000008/partner") return json(200, {});
      if (url.startsWith("/v1/provider/operators/OP0000000008/usage?month="))
        return json(200, {
          month: url.slice(-7),
          events: { used: 42, included: 10 },
          aiCredits: { used: 0, included: 0 },
          daily: [],
        });
      return undefined;
    });
    window.history.replaceState(null, "", "/provider/operators/OP0000000008");
    render(<Studio />);
    expect((await screen.findByTestId("operator-plan")).textContent).toBe("developer");
    expect((await screen.findByTestId("Events-used")).textContent).toBe("42");
    await screen.findByRole("option", { name: "Standard" });
    fireEvent.change(screen.getByLabelText("Set the plan"), { target: { value: "standard" } });
    fireEvent.click(screen.getByRole("button", { name: "Set plan" }));
    await waitFor(() => expect(screen.getByTestId("operator-plan").textContent).toBe("standard"));
    fireEvent.click(screen.getByRole("button", { name: "Make a partner" }));
    await screen.findByText(/This operator is a partner now\./);
    expect(calls).toContain('PUT /v1/provider/operators/OP0000000008/plan {"planId":"standard"}');
    expect(calls).toContain('PUT /v1/provider/operators/OP0000000008/partner {"partner":true}');
  });

  it("creates a plan from the editor's form", async () => {
    signInAsProvider();
    const plans: unknown[] = [];
    const calls = stubProvider((method, url, body) => {
      if (url === "/v1/provider/plans") return json(200, plans);
      if (method === "PUT" && url === "/v1/provider/plans/standard") {
        plans.push({ planId: "standard", ...(body as object) });
        return json(200, plans[0]);
      }
      return undefined;
    });
    window.history.replaceState(null, "", "/provider/plans");
    render(<Studio />);
    fireEvent.click(await screen.findByRole("button", { name: "New plan" }));
    const dialog = screen.getByRole("dialog", { name: "New plan" });
    const type = (label: string, value: string) =>
      fireEvent.change(within(dialog).getByLabelText(label), { target: { value } });
    type("Plan id", "standard");
    type("Name", "Standard");
    type("Monthly fee", "5000");
    type("Events included a month", "100000");
    type("AI credits included a month", "1000");
    type("Events overage block size", "10000");
    type("Events price per block", "300");
    type("Apps", "20");
    type("Features", "timer.cron");
    fireEvent.click(within(dialog).getByRole("button", { name: "Save plan" }));
    expect(await screen.findByRole("button", { name: "Edit plan Standard" })).toBeTruthy();
    await waitFor(() =>
      expect(calls).toContain(
        `PUT /v1/provider/plans/standard ${JSON.stringify({
          name: "Standard",
          monthlyFee: 5000,
          included: { events: 100000, aiCredits: 1000 },
          overage: { events: { blockSize: 10000, pricePerBlock: 300 } },
          limits: { apps: 20 },
          features: ["timer.cron"],
        })}`,
      ),
    );
  });

  it("posts a notice for chosen operators, as ISO times", async () => {
    signInAsProvider();
    const notices: unknown[] = [];
    const calls = stubProvider((method, url, body) => {
      if (url !== "/v1/provider/notices") return undefined;
      if (method === "GET") return json(200, { items: notices, nextCursor: null });
      notices.push({ noticeId: "n-1", createdDateTime: 1, ...(body as object) });
      return json(201, notices[0]);
    });
    window.history.replaceState(null, "", "/provider/notices");
    render(<Studio />);
    fireEvent.click(await screen.findByRole("button", { name: "New notice" }));
    const dialog = screen.getByRole("dialog", { name: "New notice" });
    fireEvent.change(within(dialog).getByLabelText("Title"), { target: { value: "Price change" } });
    fireEvent.change(within(dialog).getByLabelText("Text"), { target: { value: "From January." } });
    fireEvent.change(within(dialog).getByLabelText("Severity"), { target: { value: "warning" } });
    fireEvent.change(within(dialog).getByLabelText("Only for operators"), {
      target: { value: "OP0000000007, OP0000000008" },
    });
    fireEvent.change(within(dialog).getByLabelText("Shown until"), { target: { value: "2027-01-31T12:00" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Post notice" }));
    const endsAt = new Date("2027-01-31T12:00").toISOString();
    expect(await screen.findByRole("button", { name: "Delete notice Price change" })).toBeTruthy();
    await waitFor(() =>
      expect(calls).toContain(
        `POST /v1/provider/notices ${JSON.stringify({
          title: "Price change",
          body: "From January.",
          severity: "warning",
          operatorIds: ["OP0000000007", "OP0000000008"],
          endsAt,
        })}`,
      ),
    );
  });

  it("lists usage across operators for a month, busiest first", async () => {
    signInAsProvider();
    const month = `${new Date().getFullYear()}-${String(new Date().getMonth() + 1).padStart(2, "0")}`;
    stubProvider((_method, url) =>
      url === `/v1/provider/usage?month=${month}`
        ? json(200, [
            { operatorId: "OP0000000007", email: "new@example.com", events: 5, aiCredits: 0 },
            { operatorId: "OP0000000008", email: "shop@example.com", events: 900, aiCredits: 12 },
          ])
        : undefined,
    );
    window.history.replaceState(null, "", "/provider/usage");
    render(<Studio />);
    await screen.findByRole("link", { name: "OP0000000008" });
    const rows = screen.getAllByRole("row").slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      "OP0000000008shop@example.com90012",
      "OP0000000007new@example.com50",
    ]);
    expect(screen.getAllByRole("img").map((chart) => chart.getAttribute("aria-label"))).toEqual([
      `Bar chart: Events in ${month}, busiest 2 operators`,
      `Bar chart: AI credits in ${month}, the same operators`,
    ]);
  });
});
