import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiSession } from "../../server/test/harness.ts";
import { openStudioLoggedIn } from "./browser-fixture.ts";

/**
 * Users and permissions in a real browser against a real Conflux serving the built studio: the root
 * user creates a user, gives it a read-only policy in the live-checked editor and a password; signed in
 * as that user, the console shows only what the policy allows and the app editor read-only. Slow: it
 * builds the studio when the build is stale, and starts a browser.
 */

let studio: Awaited<ReturnType<typeof openStudioLoggedIn>>;
let page: Page;
let session: ApiSession;
const userPassword = "Tq8-reader-walks-the-quay";

beforeAll(async () => {
  studio = await openStudioLoggedIn(`accounts-${Date.now()}@example.com`);
  ({ page, session } = studio);
}, 180_000);

afterAll(async () => studio?.close());

describe("users and permissions in a browser", { timeout: 120_000 }, () => {
  it("creates a user with a read-only policy, who signs in and sees the editor read-only", async () => {
    const { body: app } = await session.call("POST", "/v1/apps", {
      name: "Cold room",
      channels: [{ channelId: "in" }],
      actions: [{ actionId: "pass", channelId: "in", type: "republish", config: {} }],
    });

    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Users" }).click();
    await page.getByRole("button", { name: "New user" }).click();
    const dialog = page.getByRole("dialog", { name: "New user" });
    await dialog.getByLabel("User name").fill("reader");
    await dialog.getByLabel("Description").fill("reads apps");
    await dialog.getByRole("button", { name: "Create user" }).click();
    await page.waitForURL(/\/users\/reader$/);

    // The editor checks as it is typed: a wrong effect is named before anything is sent.
    const editor = page.getByRole("textbox", { name: "Permission" });
    await editor.fill('{"statements": [{"effect": "permit", "api": "App:*"}]}');
    await page.getByText('statements[0].effect: "allow" or "deny"').waitFor();
    expect(await page.getByRole("button", { name: "Save permission" }).isDisabled()).toBe(true);
    await page.getByRole("button", { name: "Use the read-only example" }).click();
    await page.getByRole("button", { name: "Save permission" }).click();
    await page.getByRole("status").filter({ hasText: "Saved the permission of reader" }).waitFor();
    await page.getByLabel("New password").fill(userPassword);
    await page.getByRole("button", { name: "Set password" }).click();
    await page.getByRole("status").filter({ hasText: "Set the password of reader" }).waitFor();

    const { body: saved } = await session.call("GET", `/v1/operators/${session.operatorId}/users/reader`);
    expect(saved).toMatchObject({ userName: "reader", description: "reads apps", hasPassword: true });
    expect(JSON.parse(saved.permission)).toEqual({
      statements: [{ effect: "allow", api: ["App:list*", "App:get*"] }],
    });

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login/);
    await page.getByLabel("User of an operator").check();
    await page.getByLabel("Operator id").fill(session.operatorId);
    await page.getByLabel("User name").fill("reader");
    await page.getByLabel("Password").fill(userPassword);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByTestId("user-name").filter({ hasText: "reader" }).waitFor();

    // Only what the policy allows is offered.
    await expect
      .poll(() => nav.getByRole("link").allTextContents())
      .toEqual(["Apps", "Your account", "API reference"]);
    expect(await page.getByRole("button", { name: "New app" }).count()).toBe(0);
    await page.getByRole("link", { name: "Cold room" }).click();
    await page.waitForURL(new RegExp(`/apps/${app.appId}$`));
    await page.getByText("Read-only: your permissions do not allow changing this app").waitFor();
    await page.getByLabel(/^Action pass/).waitFor();
    expect(await page.getByRole("button", { name: "Save", exact: true }).count()).toBe(0);
    expect([...studio.cspViolations, ...studio.pageErrors]).toEqual([]);
  });
});
