import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeviceFixture } from "../../server/test/device-fixture.ts";
import { type ApiSession, signUp, startTestConflux, testPassword } from "../../server/test/harness.ts";
import { ensureStudioBuild, studioBuildDir } from "../scripts/ensure-build.ts";

/**
 * The console's device and file pages in a real browser against a real Conflux serving the built studio
 * (with its CSP): a device's data drawn by uPlot, a command reaching the device, an image previewed
 * through its signed link. Slow: it builds the studio when the build is stale, and starts a browser.
 */

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let browser: BrowserContext;
let profileDir: string;
let page: Page;
let session: ApiSession;
const email = `console-${Date.now()}@example.com`;
const problems: string[] = [];

beforeAll(async () => {
  await ensureStudioBuild("ignore");
  conflux = await startTestConflux({ studioDir: studioBuildDir });
  session = await signUp(conflux.url, email);
  profileDir = mkdtempSync(path.join(tmpdir(), "conflux-chromium-"));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(15_000);
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  await page.goto(`${conflux.url}/login`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(testPassword);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByTestId("operator-email").filter({ hasText: email }).waitFor();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await conflux?.cleanUp();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

describe("the console in a browser", { timeout: 90_000 }, () => {
  it("lists a device, charts its data, and sends it a command", async () => {
    const fixture = await createDeviceFixture(session);
    for (const [temp, humidity] of [
      [4.5, 50],
      [5, 52],
      [6.5, 49],
    ])
      await fetch(`${conflux.url}/v1/devices/${fixture.deviceId}/data`, {
        method: "POST",
        headers: { authorization: `Bearer ${fixture.secret}`, "content-type": "application/json" },
        body: JSON.stringify({ temp, humidity }),
      });
    await page.getByRole("link", { name: "Devices" }).click();
    await page.getByRole("link", { name: fixture.deviceId }).click();
    await page.waitForURL(/\/devices\/d-/);
    const chart = page.getByRole("img", { name: "Chart of humidity, temp over time" });
    await chart.waitFor();
    // uPlot drew on its canvas, with a legend entry per field.
    expect(await chart.locator("canvas").count()).toBe(1);
    expect(await page.locator(".u-legend").textContent()).toContain("temp");
    expect(await page.getByRole("table", { name: "Latest entries" }).textContent()).toContain(
      '{"temp":6.5,"humidity":49}',
    );

    await page.getByLabel("Command").fill("fan on");
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await expect
      .poll(() =>
        page
          .getByRole("status")
          .filter({ hasText: `Sent to ${fixture.deviceId}` })
          .count(),
      )
      .toBe(1);
  });

  it("browses files by folder and previews an image through its signed link", async () => {
    // A 1×1 PNG.
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
      "base64",
    );
    await fetch(`${conflux.url}/v1/files/cam1/dot.png`, {
      method: "PUT",
      headers: { ...session.headers, "content-type": "image/png" },
      body: png,
    });
    await page.getByRole("link", { name: "Files" }).click();
    await page.getByRole("button", { name: "cam1/", exact: true }).click();
    await page.getByRole("button", { name: "dot.png", exact: true }).click();
    const image = page.getByRole("img", { name: "/cam1/dot.png" });
    await image.waitFor();
    await expect
      .poll(() => image.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(1);
    expect(await image.getAttribute("src")).toMatch(
      /\/v1\/signed\/files\/OP\d+\/cam1\/dot\.png\?expires=\d+&signature=/,
    );
    expect(problems).toEqual([]);
  });
});
