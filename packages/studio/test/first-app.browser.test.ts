import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receive } from "../../server/src/cli/receive.ts";
import { createDeviceFixture } from "../../server/test/device-fixture.ts";
import { logIn, testPassword } from "../../server/test/harness.ts";
import { openStudioInBrowser, type StudioInBrowser } from "./browser-fixture.ts";

/**
 * The README's first app, as a new user follows it in the studio: sign up, create the Cold-chain alert
 * from its template, send a warm reading and watch `conflux receive` (on the README's port 8481) print
 * the alert; then the step of the run, a device's page and the usage page. Each is saved as a
 * screenshot at 1280×800, and the text on each must be readable there (all but React Flow's own
 * attribution link, which is not the studio's).
 */

const artifacts = fileURLToPath(new URL("../../../test-artifacts", import.meta.url));
const email = `first-app-${Date.now()}@example.com`;

let studio: StudioInBrowser;
let page: Page;
let receiver: Server;
const printed: string[] = [];

beforeAll(async () => {
  studio = await openStudioInBrowser();
  page = studio.page;
  // The receiver the README starts with `npx conflux receive`, on its default port.
  receiver = await receive({ port: 8481, host: "127.0.0.1" }, (text) => printed.push(text));
  mkdirSync(artifacts, { recursive: true });
}, 180_000);

afterAll(async () => {
  receiver?.close();
  await studio?.close();
});

/**
 * The smallest text a person sees in the page, in screen pixels: each visible element holding text,
 * its CSS font size times the zoom it is drawn at (the canvas scales its nodes).
 */
function smallestVisibleText(): Promise<{ size: number; text: string }> {
  return page.evaluate(`(() => {
    let smallest = { size: Infinity, text: "" };
    for (const element of document.querySelectorAll("body *")) {
      const own = [...element.childNodes].filter((child) => child.nodeType === 3).map((child) => child.textContent.trim()).join("");
      if (!own) continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || box.bottom < 0 || box.top > innerHeight || box.right < 0 || box.left > innerWidth) continue;
      const style = getComputedStyle(element);
      if (style.visibility === "hidden" || element.closest(".cfx-visually-hidden, [aria-hidden='true'], .react-flow__attribution")) continue;
      const scale = element.offsetWidth ? box.width / element.offsetWidth : 1;
      const size = parseFloat(style.fontSize) * scale;
      if (size < smallest.size) smallest = { size, text: own.slice(0, 40) };
    }
    return smallest;
  })()`);
}

async function screenshotReadable(name: string) {
  await page.screenshot({ path: path.join(artifacts, `first-app-${name}.png`) });
  const smallest = await smallestVisibleText();
  // 11 px is the floor for secondary text (badges, captions); everything else is larger.
  expect(smallest.size, `"${smallest.text}" on ${name}`).toBeGreaterThanOrEqual(11);
}

describe("the README's first app in a browser", { timeout: 120_000 }, () => {
  it("goes from sign-up to a green run whose alert reaches the receiver", async () => {
    await page.goto(`${studio.conflux.url}/`);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(testPassword);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect.poll(() => page.getByTestId("operator-email").textContent()).toBe(email);

    await page.getByRole("button", { name: "New app" }).click();
    const dialog = page.getByRole("dialog", { name: "New app" });
    await dialog.getByRole("radio", { name: /Cold-chain alert/ }).click();
    await dialog.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(/\/apps\/[0-9A-Z]+$/);
    const notify = page.locator(".react-flow__node").filter({ hasText: "Notify the warehouse" });
    await notify.waitFor();
    await screenshotReadable("editor");

    await page.getByRole("button", { name: "Test run and steps" }).click();
    await page.getByLabel("Test message (JSON)").fill('{"sensor": "fridge-1", "temp": 9.5}');
    await page.getByRole("button", { name: "Send test message" }).click();
    const summary = page.getByRole("status", { name: "Run summary" });
    await expect.poll(() => summary.textContent(), { timeout: 30_000 }).toContain("completed");
    await expect.poll(() => printed.join("")).toContain("FRIDGE-1 is at 9.5 C");
    expect(printed.join("")).toContain("POST /alerts");

    // The webhook's step: what it sent and what the receiver answered, in the drawer.
    await notify.dispatchEvent("click");
    const step = page.getByRole("region", { name: "Step details" });
    await expect.poll(() => step.textContent()).toContain("received");
    await step.scrollIntoViewIfNeeded();
    // The canvas brings the clicked node into view above the drawer that opened under it.
    const insideCanvas = () =>
      notify.evaluate((node) => {
        const pane = node.closest(".react-flow")?.getBoundingClientRect();
        const box = node.getBoundingClientRect();
        return Boolean(pane && box.top >= pane.top && box.bottom <= pane.bottom && box.right <= pane.right);
      });
    await expect.poll(insideCanvas, { timeout: 5_000 }).toBe(true);
    await screenshotReadable("run-step");
  });

  it("shows a device that sent a reading, and the usage the run counted", async () => {
    const session = await logIn(studio.conflux.url, email);
    const device = await createDeviceFixture(session);
    const sent = await fetch(`${studio.conflux.url}/v1/devices/${device.deviceId}/data`, {
      method: "POST",
      headers: { authorization: `Bearer ${device.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ temp: 4.5, battery: 0.92 }),
    });
    expect(sent.status).toBeLessThan(300);

    await page.getByRole("link", { name: "Devices" }).click();
    await page.getByRole("link", { name: device.deviceId }).click();
    await page.waitForURL(/\/devices\/d-/);
    await page.getByRole("img", { name: /^Chart of / }).waitFor();
    await screenshotReadable("device");

    await page.getByRole("link", { name: "Usage" }).click();
    await page.waitForURL(/\/usage$/);
    await expect.poll(() => page.locator("main").textContent()).toMatch(/events/i);
    await screenshotReadable("usage");
  });
});
