import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiSession, testPassword, testProviderAdminEmail } from "../../server/test/harness.ts";
import { providerSession } from "../../server/test/provider-session.ts";
import { openStudioInBrowser, type StudioInBrowser } from "./browser-fixture.ts";

/**
 * Money in a real browser against a real Conflux serving the built studio: an operator on a test clock
 * and a paid plan owes January; the provider records its payment from the overdue list, and the
 * operator's billing page then shows January paid. Slow: it builds the studio when the build is stale.
 */

const artifacts = fileURLToPath(new URL("../../../test-artifacts", import.meta.url));
const email = `billed-${Date.now()}@example.com`;
let studio: StudioInBrowser;
let page: Page;
let admin: ApiSession;
let operatorId: string;

beforeAll(async () => {
  studio = await openStudioInBrowser();
  page = studio.page;
  admin = await providerSession(studio.conflux);
  await admin.call("PUT", "/v1/provider/plans/standard", {
    name: "Standard",
    monthlyFee: 10_000,
    included: { events: 1_000, aiCredits: 0 },
  });
  const clock = await admin.call("POST", "/v1/provider/test_clocks", { frozenTime: "2027-01-20T09:00:00Z" });
  const created = await admin.call("POST", "/v1/provider/operators", {
    email,
    password: testPassword,
    planId: "standard",
    testClockId: clock.body.testClockId,
  });
  if (created.status !== 201) throw new Error(`provider create: ${created.status} ${created.text}`);
  operatorId = created.body.operatorId;
  // January (11,000 with tax, due 2027-02-28) closes and is 5 days late on 2027-03-05.
  await admin.call("POST", `/v1/provider/test_clocks/${clock.body.testClockId}/advance`, {
    frozenTime: "2027-03-05T00:00:00Z",
  });
}, 180_000);

afterAll(async () => studio?.close());

describe("billing in a browser", { timeout: 120_000 }, () => {
  it("the provider records a payment, and the operator's billing page shows the month paid", async () => {
    await page.goto(`${studio.conflux.url}/provider`);
    await page.getByLabel("E-mail").fill(testProviderAdminEmail);
    await page.getByLabel("Password").fill(testPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("provider-admin").waitFor();

    await page.getByRole("navigation", { name: "Provider" }).getByRole("link", { name: "Overdue" }).click();
    await page.getByRole("link", { name: `Record a payment of 2027-01 for ${operatorId}` }).click();
    await page.waitForURL(/\/provider\/payments\?/);
    expect(await page.getByLabel("Amount").inputValue()).toBe("11000");
    await page.getByLabel("Paid on").fill("2027-03-05");
    await page.getByRole("button", { name: "Record payment" }).click();
    // Late from 03-01 to 03-04: 4 days, charged on March's invoice.
    expect(await page.getByTestId("late-days").textContent()).toBe("4");
    expect(await page.getByTestId("interest-month").textContent()).toBe("2027-03");

    await page.goto(`${studio.conflux.url}/login`);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(testPassword);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Billing" }).click();
    await page.waitForURL(/\/billing$/);
    await page.getByTestId("payment-2027-01").filter({ hasText: "paid" }).waitFor();
    expect(await page.getByTestId("payment-2027-01").textContent()).toBe("paid");
    expect(await page.getByTestId("payment-2027-02").textContent()).toBe("unpaid");
    // March, open, carries the interest: ⌊11,000 × 4 × 145 / 365,000⌋ = 17.
    const thisMonth = page.getByRole("region", { name: "This month so far (2027-03)" });
    expect(await thisMonth.getByTestId("this-month-figures").textContent()).toContain(
      "Late interest (not taxed)17",
    );
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, "operator-billing.png") });
    expect([...studio.cspViolations, ...studio.pageErrors]).toEqual([]);
  });
});
