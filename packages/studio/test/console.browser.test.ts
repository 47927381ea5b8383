import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeviceFixture } from "../../server/test/device-fixture.ts";
import type { ApiSession } from "../../server/test/harness.ts";
import { openStudioLoggedIn, type StudioInBrowser } from "./browser-fixture.ts";

/**
 * The console's device and file pages in a real browser against a real Conflux serving the built studio
 * (with its CSP): a device's data drawn by uPlot, a command reaching the device, an image previewed
 * through its signed link. Slow: it builds the studio when the build is stale, and starts a browser.
 */

const artifacts = fileURLToPath(new URL("../../../test-artifacts", import.meta.url));

let studio: Awaited<ReturnType<typeof openStudioLoggedIn>>;
let conflux: StudioInBrowser["conflux"];
let page: Page;
let session: ApiSession;

beforeAll(async () => {
  studio = await openStudioLoggedIn(`console-${Date.now()}@example.com`);
  ({ conflux, page, session } = studio);
}, 180_000);

afterAll(async () => studio?.close());

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
    // Devices' message counts are written once a second: wait until these three are.
    await expect
      .poll(async () => (await session.call("GET", `/v1/devices/${fixture.deviceId}`)).body.messageCount)
      .toBe(3);
    await page.getByRole("link", { name: "Devices" }).click();
    await page.getByRole("link", { name: fixture.deviceId }).click();
    await page.waitForURL(/\/devices\/d-/);
    const chart = page.getByRole("img", { name: "Chart of humidity, temp over time" });
    await chart.waitFor();
    // uPlot drew on its canvas, with a legend entry per field.
    expect(await chart.locator("canvas").count()).toBe(1);
    expect(await page.locator(".u-legend").textContent()).toContain("temp");
    // The table loads its own page of entries, beside the chart's.
    await expect
      .poll(() => page.getByRole("table", { name: "Latest entries" }).textContent())
      .toContain('{"temp":6.5,"humidity":49}');

    // The device has sent: its connection instructions are folded, and open on a click.
    const mqtt = page.getByRole("figure", { name: "MQTT command" });
    expect(await mqtt.isVisible()).toBe(false);
    await page.getByText("Connect this device").click();
    const port = conflux.services.devices.listening.mqttPort;
    await expect
      .poll(() => mqtt.textContent())
      .toContain(`mosquitto_pub -h 127.0.0.1 -p ${port} -i ${fixture.deviceId} -u ${fixture.deviceId}`);
    expect(await page.content()).not.toContain(fixture.secret);
    mkdirSync(artifacts, { recursive: true });
    await mqtt.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, "console-device-page.png") });

    await page.getByLabel("Command", { exact: true }).fill("fan on");
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await expect
      .poll(() =>
        page
          .getByRole("status")
          .filter({ hasText: `Sent to ${fixture.deviceId}` })
          .count(),
      )
      .toBe(1);
    // No device is connected: the command waits in its outbox, and the page says so.
    const commands = page.getByRole("table", { name: "Recent commands" });
    await expect.poll(() => commands.textContent()).toContain("fan on");
    expect(await commands.textContent()).toContain("Pending: waiting for the device");
  });

  it("binds a new device group to an app's device channel by choosing both", async () => {
    const { body: app } = await session.call("POST", "/v1/apps", {
      name: "Cold room",
      channels: [
        { channelId: "web", eventSource: { type: "api", config: {} } },
        { channelId: "readings", name: "Readings", eventSource: { type: "device", config: {} } },
      ],
    });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Devices" }).click();
    await page.getByRole("button", { name: "New group" }).click();
    const dialog = page.getByRole("dialog", { name: "New device group" });
    await dialog.getByLabel("Name").fill("cold room sensors");
    await dialog.getByLabel("App").selectOption({ label: `Cold room (${app.appId})` });
    const channel = dialog.getByLabel("Channel");
    expect(await channel.locator("option").allTextContents()).toEqual(["Readings (readings)"]);
    await dialog.getByRole("button", { name: "Create group" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByRole("link", { name: "Cold room / Readings" }).waitFor();
    // The focus is back where the dialog was opened from.
    expect(await page.evaluate("document.activeElement.textContent")).toBe("New group");

    const { body: groups } = await session.call("GET", "/v1/device_groups");
    const created = groups.find((group: { name: string }) => group.name === "cold room sensors");
    expect(created.config.binding).toEqual({ appId: app.appId, channelId: "readings" });
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
    await page.getByRole("link", { name: "cam1/", exact: true }).click();
    await page.waitForURL(/\/files\?path=\/cam1\/$/);
    await page.getByRole("button", { name: "dot.png", exact: true }).click();
    const image = page.getByRole("img", { name: "/cam1/dot.png" });
    await image.waitFor();
    await expect
      .poll(() => image.evaluate((element) => (element as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(1);
    expect(await image.getAttribute("src")).toMatch(
      /\/v1\/signed\/files\/OP\d+\/cam1\/dot\.png\?expires=\d+&signature=/,
    );
    // At its natural size, not stretched to the page's width.
    expect(
      await image.evaluate((element) => (element as unknown as { clientWidth: number }).clientWidth),
    ).toBe(1);
    // The folder is in the address: back leaves it, forward and a reload come back to it.
    await page.goBack();
    await page.getByRole("link", { name: "cam1/", exact: true }).waitFor();
    await page.goForward();
    await page.reload();
    await page.getByRole("button", { name: "dot.png", exact: true }).waitFor();
    expect(await page.getByRole("navigation", { name: "Folder" }).textContent()).toContain("cam1");
    expect([...studio.cspViolations, ...studio.pageErrors]).toEqual([]);
  });
});
