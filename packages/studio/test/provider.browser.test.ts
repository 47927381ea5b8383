import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiSession } from "../../server/test/harness.ts";
import { testPassword, testProviderAdminEmail } from "../../server/test/harness.ts";
import { providerSession } from "../../server/test/provider-session.ts";
import { openStudioLoggedIn } from "./browser-fixture.ts";

/**
 * The provider console and an operator's console in a real browser against a real Conflux serving the
 * built studio: the provider's administrator signs in at /provider, finds the operator and suspends it
 * for unpaid debt; the operator's console then says on every page that the account is suspended, and
 * why. Slow: it builds the studio when the build is stale, and starts a browser.
 */

const artifacts = fileURLToPath(new URL("../../../test-artifacts", import.meta.url));
const email = `suspended-${Date.now()}@example.com`;
let studio: Awaited<ReturnType<typeof openStudioLoggedIn>>;
let page: Page;
let session: ApiSession;

beforeAll(async () => {
  studio = await openStudioLoggedIn(email);
  ({ page, session } = studio);
}, 180_000);

afterAll(async () => studio?.close());

describe("the provider console in a browser", { timeout: 120_000 }, () => {
  it("suspends an operator, whose console then names the reason", async () => {
    // The operator's console first: nothing to say yet.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Apps" }).waitFor();
    expect(await page.getByTestId("suspension-reason").count()).toBe(0);

    // The provider's console has a sign-in of its own; the operator's session in the tab stays as it is.
    await page.goto(`${studio.conflux.url}/provider`);
    await page.waitForURL(/\/provider\/sign-in$/);
    await page.getByLabel("E-mail").fill(testProviderAdminEmail);
    await page.getByLabel("Password").fill(testPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("provider-admin").filter({ hasText: testProviderAdminEmail }).waitFor();

    await page.getByLabel("Search").fill(email.toUpperCase());
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("link", { name: session.operatorId }).click();
    await page.waitForURL(new RegExp(`/provider/operators/${session.operatorId}$`));
    await page.getByRole("button", { name: "Suspend" }).click();
    const dialog = page.getByRole("dialog", { name: "Suspend the operator" });
    await dialog.getByLabel("Reason").selectOption("unpaid_debt");
    await dialog.getByLabel("Message to the operator").fill("The invoice of last month is unpaid.");
    await dialog.getByRole("button", { name: "Suspend" }).click();
    await page.getByTestId("status-reason").filter({ hasText: "unpaid debt" }).waitFor();
    await page.getByRole("button", { name: "Resume" }).waitFor();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, "provider-operator-suspended.png") });

    const provider = await providerSession(studio.conflux);
    const { body: operator } = await provider.call("GET", `/v1/provider/operators/${session.operatorId}`);
    expect(operator).toMatchObject({
      operatorId: session.operatorId,
      status: "suspended",
      statusReason: "unpaid_debt",
    });

    // Back in the operator's console: every page says the account is suspended, and why.
    await page.goto(`${studio.conflux.url}/apps`);
    const banner = page.getByRole("status").filter({ hasText: "This account is suspended" });
    await banner.waitFor();
    expect(await banner.getByTestId("suspension-reason").textContent()).toBe("unpaid debt");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Devices" }).click();
    await page.waitForURL(/\/devices$/);
    await banner.waitFor();
    await page.screenshot({ path: path.join(artifacts, "operator-suspended.png") });

    // What the banner says, the API enforces: a change is refused with the same reason.
    const refused = await session.call("POST", "/v1/apps", { name: "Late", channels: [], actions: [] });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("operator_suspended");
    expect([...studio.cspViolations, ...studio.pageErrors]).toEqual([]);
  });
});
