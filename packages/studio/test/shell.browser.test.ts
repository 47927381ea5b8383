import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStudioLoggedIn, type StudioInBrowser } from "./browser-fixture.ts";

/**
 * The shell around the pages in a real browser against a real Conflux serving the built studio (with its
 * CSP): a new app from a template, dark mode down to the canvas, the keyboard shortcuts help, and where
 * toasts stand. Slow: it builds the studio when the build is stale, and starts a browser.
 */

const artifacts = fileURLToPath(new URL("../../../test-artifacts", import.meta.url));

let studio: Awaited<ReturnType<typeof openStudioLoggedIn>>;
let conflux: StudioInBrowser["conflux"];
let page: Page;

beforeAll(async () => {
  studio = await openStudioLoggedIn(`shell-${Date.now()}@example.com`);
  ({ conflux, page } = studio);
  mkdirSync(artifacts, { recursive: true });
}, 180_000);

afterAll(async () => studio?.close());

/** Elements painted white or near-white: in the dark theme, a colour that did not go through its tokens. */
const lightBackgroundsScript = `[...document.querySelectorAll("body *")]
  .filter((element) => {
    const match = getComputedStyle(element).backgroundColor.match(/^rgba?\\((\\d+), (\\d+), (\\d+)(?:, ([\\d.]+))?\\)$/);
    if (!match || match[4] === "0") return false;
    return [match[1], match[2], match[3]].every((channel) => Number(channel) > 200);
  })
  .map((element) => element.tagName.toLowerCase() + "." + String(element.className))`;

/** The page's scripts run in the browser: given as text, since this file is type-checked without the DOM. */
function inPage<T>(script: string): Promise<T> {
  return page.evaluate<T>(script);
}

function theme(): Promise<string | undefined> {
  return inPage("document.documentElement.dataset.theme");
}

describe("the studio's shell in a browser", { timeout: 90_000 }, () => {
  it("creates an app from the Cold-chain alert template and opens it on the canvas", async () => {
    await page.getByRole("button", { name: "New app" }).click();
    const dialog = page.getByRole("dialog", { name: "New app" });
    await dialog.getByRole("radio", { name: /Cold-chain alert/ }).click();
    expect(await dialog.getByLabel("App name").inputValue()).toBe("Cold-chain alert");
    await page.screenshot({ path: path.join(artifacts, "studio-new-app-gallery.png") });
    await dialog.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(/\/apps\/[0-9A-Z]+$/);
    await page.locator(".react-flow__node").filter({ hasText: "Too warm?" }).waitFor();
    await page.locator(".react-flow__node").filter({ hasText: "Notify the warehouse" }).waitFor();
  });

  it("turns dark from the header, down to React Flow's canvas, and stays dark after a reload", async () => {
    expect(await theme()).toBe("light");
    await page.getByRole("group", { name: "Theme" }).getByRole("radio", { name: "Dark" }).click();
    expect(await theme()).toBe("dark");
    const background = await inPage("getComputedStyle(document.body).backgroundColor");
    expect(background).toBe("rgb(15, 18, 23)");
    expect(await inPage<string[]>(lightBackgroundsScript)).toEqual([]);
    await page.screenshot({ path: path.join(artifacts, "studio-dark-editor.png") });

    await page.reload();
    // Set by main.tsx before React renders: the first paint is already dark.
    expect(await theme()).toBe("dark");
    await page.locator(".react-flow__node").first().waitFor();
    expect(
      await inPage(
        `getComputedStyle(document.querySelector(".react-flow__controls-button")).backgroundColor`,
      ),
    ).toBe("rgb(23, 27, 34)");

    // CodeMirror picks its colours in script: the theme's caret, not its black one.
    await page.locator(".react-flow__node").filter({ hasText: "Too warm?" }).click();
    await page.locator(".cm-content").first().waitFor();
    expect(await inPage(`getComputedStyle(document.querySelector(".cm-content")).caretColor`)).toBe(
      "rgb(230, 233, 239)",
    );
    expect(await inPage<string[]>(lightBackgroundsScript)).toEqual([]);

    await page.goto(`${conflux.url}/apps`);
    await page.getByRole("table", { name: "Your apps" }).waitFor();
    expect(await inPage<string[]>(lightBackgroundsScript)).toEqual([]);
  });

  it("follows the system's setting while the choice is System", async () => {
    await page.getByRole("group", { name: "Theme" }).getByRole("radio", { name: "System" }).click();
    await page.emulateMedia({ colorScheme: "dark" });
    await expect.poll(theme).toBe("dark");
    await page.emulateMedia({ colorScheme: "light" });
    await expect.poll(theme).toBe("light");
  });

  it('opens the keyboard shortcuts with "?", and closes them with Escape', async () => {
    await page.locator("body").click({ position: { x: 600, y: 700 } });
    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await help.waitFor();
    expect(await help.textContent()).toContain("Send the test run");
    await page.keyboard.press("Escape");
    await help.waitFor({ state: "hidden" });
  });

  it("shows a toast beside the page's content, never over it or over a link of the navigation", async () => {
    await page.getByRole("button", { name: "Duplicate Cold-chain alert" }).click();
    const toast = page.locator(".cfx-toast").filter({ hasText: "Created" });
    await toast.waitFor();
    const toastBox = await toast.boundingBox();
    const mainBox = await page.locator("main").boundingBox();
    if (!toastBox || !mainBox) throw new Error("no box");
    expect(toastBox.x + toastBox.width).toBeLessThanOrEqual(mainBox.x);
    for (const link of await page.getByRole("navigation", { name: "Main" }).getByRole("link").all()) {
      const box = await link.boundingBox();
      if (box) expect(box.y + box.height <= toastBox.y || box.y >= toastBox.y + toastBox.height).toBe(true);
    }
    await page.screenshot({ path: path.join(artifacts, "studio-toast.png") });
    expect(studio.cspViolations).toEqual([]);
    expect(studio.pageErrors).toEqual([]);
  });
});
