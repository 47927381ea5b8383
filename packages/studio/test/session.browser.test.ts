import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStudioLoggedIn } from "./browser-fixture.ts";

/**
 * The studio's session in a real browser: the cookie the server set is HttpOnly and SameSite=Strict
 * (no script reads it, nothing in storage holds a token), a link opened in a new tab stays signed in,
 * and a log-out in one tab signs every tab out. Slow: it builds the studio when the build is stale.
 */

let studio: Awaited<ReturnType<typeof openStudioLoggedIn>>;
let page: Page;

beforeAll(async () => {
  studio = await openStudioLoggedIn(`session-${Date.now()}@example.com`);
  ({ page } = studio);
}, 180_000);

afterAll(async () => studio?.close());

describe("the studio's session in a browser", { timeout: 90_000 }, () => {
  it("keeps the token in an HttpOnly cookie no script reads, and shares it with a new tab", async () => {
    const [cookie, ...others] = await page.context().cookies(studio.conflux.url);
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({ name: "conflux_session", httpOnly: true, sameSite: "Strict", path: "/" });
    const token = cookie?.value ?? "";
    expect(await page.evaluate("document.cookie")).toBe("");
    const storage = String(await page.evaluate("JSON.stringify([localStorage, sessionStorage])"));
    expect(storage).not.toContain(token);
    expect(storage).toContain(studio.session.operatorId);

    const secondTab = await page.context().newPage();
    await secondTab.goto(`${studio.conflux.url}/credentials`);
    await secondTab.getByRole("heading", { name: "Credentials" }).waitFor();
    expect(new URL(secondTab.url()).pathname).toBe("/credentials");

    // Signing out in the first tab revokes the session and takes the second tab to the log-in page.
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login$/);
    await secondTab.waitForURL(/\/login/);
    expect(await page.context().cookies(studio.conflux.url)).toEqual([]);
    const stale = await fetch(`${studio.conflux.url}/v1/apps`, {
      headers: { cookie: `conflux_session=${token}` },
    });
    expect(stale.status).toBe(401);
    await secondTab.close();
  });
});
