import type { Page } from "playwright-core";
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

beforeAll(async () => {
  studio = await openStudioLoggedIn(`versions-${Date.now()}@example.com`);
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
});
