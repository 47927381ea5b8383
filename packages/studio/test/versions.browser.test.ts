import type { Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiSession, waitForRun } from "../../server/test/harness.ts";
import { openStudioLoggedIn, type StudioInBrowser } from "./browser-fixture.ts";

/**
 * A run opened from the history in a real browser after its app changed: the canvas shows the version
 * the run ran against, and that version can be restored. Slow: it builds the studio when the build is
 * stale, and starts a browser.
 */

let studio: Awaited<ReturnType<typeof openStudioLoggedIn>>;
let conflux: StudioInBrowser["conflux"];
let page: Page;
let session: ApiSession;
const email = `versions-${Date.now()}@example.com`;

beforeAll(async () => {
  studio = await openStudioLoggedIn(email);
  ({ conflux, page, session } = studio);
}, 180_000);

afterAll(async () => studio?.close());

describe("app versions in a browser", { timeout: 90_000 }, () => {
  it("opens a run on the version it ran against after the action was deleted, and restores it", async () => {
    const definition = {
      name: "Versioned",
      channels: [{ channelId: "in", name: "Input", eventSource: { type: "api", config: {} } }],
      actions: [
        { actionId: "keep", name: "Kept", channelId: "in", type: "republish", config: {} },
        { actionId: "gone", name: "Soon deleted", channelId: "in", type: "republish", config: {} },
      ],
    };
    const appId: string = (await session.call("POST", "/v1/apps", definition)).body.appId;
    const sent = await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { temp: 9 });
    const run = await waitForRun(session, appId, sent.body.executionId);
    const changed = await session.call("PUT", `/v1/apps/${appId}`, {
      ...definition,
      actions: definition.actions.slice(0, 1),
    });
    expect(changed.body.version).toBe(2);

    await page.goto(`${conflux.url}/apps/${appId}/runs/${run.runId}`);
    await page.getByText("The canvas shows version 1, the app as this run saw it.").waitFor();
    await page.getByLabel(/^Action Soon deleted \(republish\)/).click();
    await expect
      .poll(() => page.getByRole("status", { name: "Run summary" }).textContent())
      .toContain("completed");

    await page.getByRole("button", { name: "Restore version 1" }).click();
    const dialog = page.getByRole("dialog", { name: "Restore version 1?" });
    await dialog.getByRole("button", { name: "Restore version 1" }).click();
    await page.waitForURL(`${conflux.url}/apps/${appId}`);
    await page.getByLabel(/^Action Soon deleted \(republish\)/).waitFor();
    const restored = await session.call("GET", `/v1/apps/${appId}`);
    expect(restored.body.version).toBe(3);
    expect(restored.body.actions.map((action: { actionId: string }) => action.actionId)).toEqual([
      "keep",
      "gone",
    ]);
    expect(studio.pageErrors).toEqual([]);
  });

  it("lists the versions on the app page, opens one read-only, and restores one on the editor's version only", async () => {
    const {
      body: { items: apps },
    } = await session.call("GET", "/v1/apps");
    const appId: string = apps.find((app: { name: string }) => app.name === "Versioned").appId;
    await page.goto(`${conflux.url}/apps/${appId}`);
    const versionsButton = page.getByRole("button", { name: "Versions", exact: true });
    await versionsButton.click();
    const versions = page.getByRole("dialog", { name: "Versions of Versioned" });
    const rows = versions.getByRole("table").getByRole("row");
    await expect.poll(() => rows.count()).toBe(4);
    // Version, what made it and who, as a screen reader reads the cells (the time left out).
    const cells = async (row: number) =>
      (await rows.nth(row).locator("td").allTextContents()).filter((_, index) => index !== 1).slice(0, 3);
    expect(await cells(1)).toEqual(["Version 3, current", "restored from version 1", email]);
    expect(await cells(2)).toEqual(["Version 2", "saved", email]);
    expect(await cells(3)).toEqual(["Version 1", "created", email]);
    await versions.getByRole("link", { name: "Open version 2 read-only" }).click();
    await page.waitForURL(`${conflux.url}/apps/${appId}/versions/2`);
    await page.getByText("The canvas shows version 2, read-only. The app is now at version 3.").waitFor();
    await page.getByLabel(/^Action Kept \(republish\)/).waitFor();
    expect(await page.getByLabel(/^Action Soon deleted/).count()).toBe(0);
    await page.getByRole("link", { name: "Back to the app" }).click();

    // Unsaved changes: restoring says they will be lost.
    await page.getByLabel("App name").fill("Versioned, edited");
    await versionsButton.click();
    await versions.getByRole("button", { name: "Restore version 2" }).click();
    const confirm = page.getByRole("dialog", { name: "Restore version 2?" });
    await confirm.getByText("This app has changes that are not saved. They will be lost.").waitFor();
    const requests: string[] = [];
    const record = (request: Request) => {
      const { pathname } = new URL(request.url());
      if (pathname.startsWith("/v1/apps/"))
        requests.push(`${request.method()} ${pathname} ${request.headers()["if-match"]}`);
    };
    page.on("request", record);
    await confirm.getByRole("button", { name: "Discard changes and restore version 2" }).click();
    await page.getByRole("status").filter({ hasText: "Version 2 restored as version 4" }).waitFor();
    page.off("request", record);
    // One request, made on the version the editor loaded.
    expect(requests).toEqual([`POST /v1/apps/${appId}/versions/2/restore "3"`]);
    await confirm.waitFor({ state: "hidden" });
    // The focus is back on the button the versions were opened from.
    await expect.poll(() => page.evaluate("document.activeElement.textContent")).toBe("Versions");
    await expect.poll(() => page.getByLabel(/^Action Soon deleted/).count()).toBe(0);
    expect((await session.call("GET", `/v1/apps/${appId}`)).body).toMatchObject({
      version: 4,
      name: "Versioned",
    });

    // A save from elsewhere since the page loaded: the restore is refused, nothing is overwritten.
    const { body: app } = await session.call("GET", `/v1/apps/${appId}`);
    const elsewhere = { name: "Elsewhere", channels: app.channels, actions: app.actions };
    expect((await session.call("PUT", `/v1/apps/${appId}`, elsewhere)).status).toBe(200);
    await versionsButton.click();
    await expect.poll(() => rows.count()).toBe(6);
    expect((await cells(2)).slice(1)).toEqual(["restored from version 2", email]);
    await versions.getByRole("button", { name: "Restore version 1" }).click();
    await page
      .getByRole("dialog", { name: "Restore version 1?" })
      .getByRole("button", { name: "Restore version 1" })
      .click();
    await page.getByText(/The version was not restored: .*saved elsewhere since version 4/).waitFor();
    expect((await session.call("GET", `/v1/apps/${appId}`)).body).toMatchObject({
      version: 5,
      name: "Elsewhere",
    });
    expect(studio.pageErrors).toEqual([]);
  });
});
