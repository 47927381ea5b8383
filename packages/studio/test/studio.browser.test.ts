import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AiStandIn } from "../../server/test/ai-stand-in.ts";
import { logIn, testPassword } from "../../server/test/harness.ts";
import { HttpSink } from "../../server/test/http-sink.ts";
import { openStudioInBrowser, type StudioInBrowser } from "./browser-fixture.ts";

/**
 * The studio in a real browser (Debian's chromium, driven by playwright-core) against a real Conflux
 * serving the built studio, with a local HTTP sink as the webhook's receiver. Slow: it builds the
 * studio when the build is missing or stale, and starts a browser.
 */

const artifacts = fileURLToPath(new URL("../../../test-artifacts", import.meta.url));
const examples = fileURLToPath(new URL("../../../docs/examples", import.meta.url));
const email = `studio-${Date.now()}@example.com`;

let studio: StudioInBrowser;
let conflux: StudioInBrowser["conflux"];
let page: Page;
let sink: HttpSink;
let sinkUrl: string;
/** Stands in for OpenAI, the one provider the service has a key for here; the others need the operator's own. */
const openAi = new AiStandIn();

beforeAll(async () => {
  const openAiUrl = await openAi.start();
  studio = await openStudioInBrowser({
    ai: { providers: { openai: { baseUrl: `${openAiUrl}/openai/v1`, apiKey: "sk-studio-test" } } },
  });
  ({ conflux, page } = studio);
  sink = new HttpSink();
  sinkUrl = await sink.start();
}, 180_000);

afterAll(async () => {
  await studio?.close();
  await sink?.stop();
  await openAi.stop();
});

/** Types into a CodeMirror field (a contenteditable textbox) the way a person does. */
async function typeInto(label: string, text: string) {
  const field = page.getByRole("textbox", { name: label, exact: true });
  await field.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Backspace");
  await page.keyboard.type(text);
  // The autocomplete list would take the next Enter; close it.
  await page.keyboard.press("Escape");
}

/** Shows a tab of the inspector (its name may go on with a problem count). */
async function showTab(name: string) {
  await page.getByRole("tab", { name: new RegExp(`^${name}`) }).click();
}

/** Opens the drawer under the canvas (test run and steps) unless it is open. */
async function openDrawer() {
  const toggle = page.getByRole("button", { name: "Test run and steps" });
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
}

/** The smallest text on the canvas's nodes, in screen pixels (its CSS size times the zoom). */
async function smallestNodeText(): Promise<number> {
  return (await page.evaluate(`(() => {
    let smallest = Infinity;
    for (const node of document.querySelectorAll(".react-flow__node")) {
      const scale = node.getBoundingClientRect().width / node.offsetWidth;
      for (const text of node.querySelectorAll("span"))
        if (text.textContent.trim() && text.children.length === 0)
          smallest = Math.min(smallest, parseFloat(getComputedStyle(text).fontSize) * scale);
    }
    return smallest;
  })()`)) as number;
}

/** What the test reads of an SVG path in the page (the test itself is compiled without the DOM's types). */
interface SvgPath {
  getTotalLength(): number;
  getPointAtLength(length: number): { x: number; y: number };
  getScreenCTM(): { a: number; d: number; e: number; f: number } | null;
}

/** Zooms out as a person would to work on the far end of an app too wide to show readably. */
async function zoomOutToSeeAll() {
  // One step per look, so each zoom's animation has settled before the nodes are measured again.
  const zoomOut = page.getByRole("button", { name: "Zoom Out" });
  await expect
    .poll(
      async () => {
        const outside = await nodesOutOfView();
        if (outside.length) await zoomOut.click();
        return outside;
      },
      { timeout: 15_000, interval: 400 },
    )
    .toEqual([]);
}

/** Labels of the canvas nodes not wholly inside the visible canvas. */
async function nodesOutOfView(): Promise<string[]> {
  const canvas = await page.locator(".react-flow").boundingBox();
  const outside: string[] = [];
  for (const node of await page.locator(".react-flow__node").all()) {
    const box = await node.boundingBox();
    if (
      !canvas ||
      !box ||
      box.x < canvas.x ||
      box.y < canvas.y ||
      box.x + box.width > canvas.x + canvas.width ||
      box.y + box.height > canvas.y + canvas.height
    )
      outside.push((await node.getAttribute("aria-label")) ?? "?");
  }
  return outside;
}

describe("the studio in a browser", { timeout: 90_000 }, () => {
  let appUrl: string;

  it("signs up, builds an app with an API source, a condition and a webhook, test-runs it and finds the run", async () => {
    await page.goto(`${conflux.url}/`);
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(testPassword);
    await page.getByRole("button", { name: "Sign up" }).click();
    await expect.poll(() => page.getByTestId("operator-email").textContent()).toBe(email);
    expect(await page.getByTestId("operator-id").textContent()).toMatch(/^OP/);

    await page.getByRole("button", { name: "New app" }).click();
    await page.getByRole("dialog", { name: "New app" }).getByLabel("App name").fill("Cold chain");
    await page.getByRole("button", { name: "Create" }).click();
    await page.waitForURL(/\/apps\/[0-9A-Z]+$/);
    appUrl = page.url();

    // The palette: "/" jumps to its search, Enter adds the first match; a click adds after the selected node.
    await page.keyboard.press("/");
    await page.keyboard.type("api");
    await page.keyboard.press("Enter");
    await page.getByRole("option", { name: "Webhook", exact: true }).click();
    await showTab("Condition");
    await typeInto("Condition", "payload.temp > 8");
    await showTab("Settings");
    await typeInto("URL", `${sinkUrl}/alerts`);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Saved" }).count()).toBe(1);

    // Below the threshold the condition is false: the run completes and the sink hears nothing.
    await openDrawer();
    await page.getByLabel("Test message (JSON)").fill('{"temp": 4}');
    await page.getByRole("button", { name: "Send test message" }).click();
    const summary = page.getByRole("status", { name: "Run summary" });
    await expect.poll(() => summary.textContent()).toContain("completed");
    expect(sink.received).toHaveLength(0);

    await page.getByLabel("Test message (JSON)").fill('{"temp": 9.5}');
    await page.getByRole("button", { name: "Send test message" }).click();
    const [request] = await sink.waitFor(1);
    expect(request?.url).toBe("/alerts");
    expect(JSON.parse(request?.body ?? "null")).toEqual({ temp: 9.5 });
    await expect.poll(() => summary.textContent()).toMatch(/completed/);

    await page.getByRole("link", { name: "History" }).click();
    const runs = page.getByRole("table", { name: "Runs" });
    await expect.poll(() => runs.getByRole("row").count()).toBe(3);
    expect(await runs.getByRole("row").nth(1).textContent()).toContain("completed");

    // Filter by status, then open the newest run: the canvas, read-only, with the run on it.
    await page.getByLabel("Status").selectOption("failed");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect.poll(() => runs.textContent()).toContain("No runs match");
    await page.getByRole("button", { name: "Clear" }).click();
    await runs
      .getByRole("link", { name: /^Open run / })
      .first()
      .click();
    await page.waitForURL(/\/runs\//);
    await expect
      .poll(() => page.getByRole("status", { name: "Run summary" }).textContent())
      .toContain("completed");
    expect(await page.getByRole("button", { name: "Save", exact: true }).count()).toBe(0);
    expect(await nodesOutOfView()).toEqual([]);

    await page.getByRole("button", { name: "Replay" }).click();
    await sink.waitFor(2);
    await expect
      .poll(() => page.getByRole("status", { name: "Run summary" }).textContent())
      .toContain("completed");
  });

  it("shows a bad expression's error at its field, before and after saving", async () => {
    await page.goto(appUrl);
    await page.getByLabel(/^Action webhook 1 \(webhook\)/).click();
    await showTab("Condition");
    await typeInto("Condition", "payload.temp > ");
    const condition = page.locator('[data-field="condition"]');
    await expect.poll(() => condition.getByRole("alert").textContent()).toMatch(/column/i);

    await page.getByRole("button", { name: "Save", exact: true }).click();
    await expect
      .poll(() => page.getByRole("alert").filter({ hasText: "condition" }).count())
      .toBeGreaterThan(0);
    expect(await condition.getByRole("alert").textContent()).toMatch(/column/i);

    // Leaving with the unsaved change asks first; staying keeps the edit.
    await page.getByRole("link", { name: "Credentials" }).click();
    const leave = page.getByRole("dialog", { name: "Leave without saving?" });
    await leave.getByRole("button", { name: "Cancel" }).click();
    expect(page.url()).toBe(appUrl);

    // Logging out asks too; once out, the studio holds no session and the pages need a log-in again.
    await page.getByRole("button", { name: "Log out" }).click();
    await leave.getByRole("button", { name: "Leave and discard changes" }).click();
    await page.waitForURL(/\/login$/);
    expect(await page.evaluate(`localStorage.getItem("conflux.session")`)).toBeNull();
    await page.goto(appUrl);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(testPassword);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(appUrl);
  });

  it("shows a five-node app with its last run, saved as a screenshot", async () => {
    const session = await logIn(conflux.url, email);
    const created = await session.call("POST", "/v1/apps", {
      name: "Cold-chain alerts",
      channels: [
        { channelId: "readings", name: "Readings", eventSource: { type: "api", config: {} } },
        { channelId: "alerts", name: "Alerts" },
      ],
      actions: [
        {
          actionId: "too-warm",
          name: "Too warm?",
          channelId: "readings",
          type: "republish",
          condition: "payload.temp > 8",
          config: {},
          output: { enabled: true, channelId: "alerts" },
        },
        {
          actionId: "notify",
          name: "Notify the warehouse",
          channelId: "alerts",
          type: "webhook",
          config: { url: `${sinkUrl}/warehouse` },
        },
      ],
    });
    expect(created.status).toBe(201);
    await page.goto(`${conflux.url}/apps/${created.body.appId}`);
    await openDrawer();
    await page.getByLabel("Test message (JSON)").fill('{"sensor": "fridge-1", "temp": 9.5}');
    await page.getByRole("button", { name: "Send test message" }).click();
    const summary = page.getByRole("status", { name: "Run summary" });
    await expect.poll(() => summary.textContent()).toContain("completed");
    expect(await page.locator(".react-flow__node").count()).toBe(5);
    // Too wide to fit at a readable size beside the palette and the panel: it stays readable and
    // starts where the messages come in; the rest is a pan away.
    expect(await smallestNodeText()).toBeGreaterThanOrEqual(12);
    expect(await nodesOutOfView()).not.toContain("Event source api of channel Readings");
    // The action's step, as the run saw it, opens in the drawer under the canvas (the node is a pan away: clicked as a screen reader would).
    await page.getByLabel(/^Action Too warm\? \(republish\)/).dispatchEvent("click");
    const step = page.getByRole("region", { name: "Step details" });
    await expect.poll(() => step.textContent()).toContain("fridge-1");
    await step.scrollIntoViewIfNeeded();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, "studio-five-node-app.png") });
    expect(sink.received.some((request) => request.url === "/warehouse")).toBe(true);
  });

  it("reconnects an edge by dragging its end to another node, as one undo step", async () => {
    const session = await logIn(conflux.url, email);
    const created = await session.call("POST", "/v1/apps", {
      name: "Rewired",
      channels: [
        { channelId: "readings", name: "Readings", eventSource: { type: "api", config: {} } },
        { channelId: "alerts", name: "Alerts" },
        { channelId: "failures", name: "Failures" },
      ],
      actions: [
        {
          actionId: "notify",
          name: "Notify",
          channelId: "alerts",
          type: "webhook",
          config: { url: sinkUrl },
        },
      ],
    });
    expect(created.status).toBe(201);
    await page.goto(`${conflux.url}/apps/${created.body.appId}`);
    const input = page.locator('.react-flow__edge[data-id="input:notify"]');
    const inputFrom = async () => (await input.getAttribute("aria-label"))?.match(/from (\S+) to/)?.[1];
    await expect.poll(inputFrom).toBe("channel:alerts");
    /** Drags the input edge's channel end to a point of the page. */
    const dragInputTo = async (to: { x: number; y: number }) => {
      const end = await input.locator(".react-flow__edgeupdater-source").boundingBox();
      if (!end) throw new Error("the input edge has no reconnect anchor");
      await page.mouse.move(end.x + end.width / 2, end.y + end.height / 2);
      await page.mouse.down();
      await page.mouse.move(to.x, to.y, { steps: 10 });
      await page.mouse.up();
    };
    const centreOf = async (selector: string) => {
      const box = await page.locator(selector).boundingBox();
      if (!box) throw new Error(`${selector} is not on screen`);
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    await dragInputTo(
      await centreOf('.react-flow__node[data-id="channel:failures"] .react-flow__handle.source'),
    );
    await expect.poll(inputFrom).toBe("channel:failures");
    await page.getByRole("button", { name: "Undo" }).click();
    await expect.poll(inputFrom).toBe("channel:alerts");
    // An event source feeds only a channel, and empty canvas is no node: both leave the edge as it was.
    await dragInputTo(
      await centreOf('.react-flow__node[data-id="source:readings"] .react-flow__handle.source'),
    );
    const canvas = await page.locator(".react-flow").boundingBox();
    if (!canvas) throw new Error("no canvas");
    await dragInputTo({ x: canvas.x + canvas.width - 40, y: canvas.y + canvas.height - 120 });
    expect(await inputFrom()).toBe("channel:alerts");
    // The undo above emptied the history and the refused drops added nothing to it.
    expect(await page.getByRole("button", { name: "Undo" }).isDisabled()).toBe(true);

    await zoomOutToSeeAll();
    // "+" on a connection opens the palette on what fits there; the step goes between its ends.
    await page
      .getByRole("button", { name: "Insert a step on Channel Alerts → Action Notify (webhook)" })
      .click();
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('role')")).toBe("combobox");
    expect(await page.getByRole("option", { name: "Schedule" }).count()).toBe(0);
    await page.keyboard.type("republish");
    await page.keyboard.press("Enter");
    await expect.poll(inputFrom).not.toBe("channel:alerts");
    expect(await page.getByLabel(/^Action republish 1 \(republish\)/).count()).toBe(1);
    await page.getByRole("button", { name: "Undo" }).click();
    await expect.poll(inputFrom).toBe("channel:alerts");

    // Dropping an action from the palette onto a connection puts it there too.
    const onEdge = await input.locator(".react-flow__edge-path").evaluate((edge: SvgPath) => {
      // a quarter of the way along: the middle holds the "+"
      const point = edge.getPointAtLength(edge.getTotalLength() * 0.25);
      const matrix = edge.getScreenCTM();
      if (!matrix) throw new Error("the edge is not drawn");
      return { x: point.x * matrix.a + matrix.e, y: point.y * matrix.d + matrix.f };
    });
    const pane = await page.locator(".react-flow__pane").boundingBox();
    if (!pane) throw new Error("no canvas");
    await page.getByRole("option", { name: "Code", exact: true }).dragTo(page.locator(".react-flow__pane"), {
      targetPosition: { x: onEdge.x - pane.x, y: onEdge.y - pane.y },
    });
    await expect.poll(inputFrom).not.toBe("channel:alerts");
    expect(await page.getByLabel(/^Action code 1 \(code\)/).count()).toBe(1);
    await page.getByRole("button", { name: "Undo" }).click();
  });

  it("imports, exports, duplicates, renames and deletes apps, from the keyboard too", async () => {
    await page.goto(`${conflux.url}/apps`);
    await page.getByLabel("App file to import").setInputFiles(path.join(examples, "cold-chain-alert.json"));
    const apps = page.getByRole("table", { name: "Your apps" });
    const imported = apps.getByRole("link", { name: "Cold-chain alert", exact: true });
    await imported.waitFor();

    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export Cold-chain alert as YAML", exact: true }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe("Cold-chain_alert.yaml");
    expect(readFileSync((await file.path()) ?? "", "utf8")).toContain("name: Cold-chain alert");

    await page.getByRole("button", { name: "Duplicate Cold-chain alert", exact: true }).click();
    await apps.getByRole("link", { name: "Cold-chain alert (copy)" }).waitFor();

    // Keyboard only: open the rename dialog, type, Enter submits; Escape closes a dialog.
    const copyRow = apps.getByRole("row").filter({ hasText: "Cold-chain alert (copy)" });
    await copyRow.getByRole("link", { name: "History" }).focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.getAttribute('aria-label')")).toBe(
      "Rename Cold-chain alert (copy)",
    );
    expect(await page.evaluate("getComputedStyle(document.activeElement).boxShadow")).not.toBe("none");
    await page.keyboard.press("Enter");
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("Second site");
    await page.keyboard.press("Enter");
    await apps.getByRole("link", { name: "Second site" }).waitFor();
    await page.getByRole("button", { name: "Delete Second site" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Delete app?" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog", { name: "Delete app?" }).waitFor({ state: "hidden" });
    await page.getByRole("button", { name: "Delete Second site" }).click();
    await page.getByRole("button", { name: "Delete app" }).click();
    await apps.getByRole("link", { name: "Second site" }).waitFor({ state: "detached" });
    expect(await imported.count()).toBe(1);
  });

  it("picks a model for an AI action, writes its prompt and tries it on the test message", async () => {
    openAi.answer = () => ({ text: "Yes: 9.5 C is too warm for milk." });
    const session = await logIn(conflux.url, email);
    const created = await session.call("POST", "/v1/apps", {
      name: "Milk advisor",
      channels: [{ channelId: "readings", name: "Readings", eventSource: { type: "api", config: {} } }],
    });
    expect(created.status).toBe(201);
    await page.goto(`${conflux.url}/apps/${created.body.appId}`);
    // An app with nodes opens with the palette folded.
    await page.getByRole("button", { name: "Show palette" }).click();
    await page.getByRole("combobox", { name: "Search the palette" }).fill("ai");
    await page.getByRole("option", { name: "AI", exact: true }).click();
    // The new action comes into view with its channel, not centred alone.
    await expect
      .poll(async () => (await nodesOutOfView()).filter((node) => !node.startsWith("Event source")))
      .toEqual([]);

    const models = page.getByRole("listbox", { name: "Model", exact: true });
    expect(
      await models
        .getByRole("option", { name: /Gemini/ })
        .first()
        .textContent(),
    ).toContain("needs your own key");
    await models.getByRole("option", { name: /^GPT-4\.1 mini Takes images 1 credit/ }).click();
    await typeInto("Prompt", "Is ${payload.temp} C too warm for milk?");
    await openDrawer();
    await page.getByLabel("Test message (JSON)").fill('{"temp": 9.5}');
    await showTab("Test");
    await page.getByRole("button", { name: "Try it" }).click();

    const result = page.getByRole("region", { name: "Try result" });
    await expect.poll(() => result.textContent()).toContain("Yes: 9.5 C is too warm for milk.");
    expect(await result.textContent()).toMatch(/openai\/gpt-4\.1-mini.*1 credit/);
    await result.scrollIntoViewIfNeeded();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, "studio-ai-try-it.png") });
    const [asked] = openAi.received;
    expect(asked?.model).toBe("gpt-4.1-mini");
    expect(asked?.raw).toContain("Is ");
    expect(asked?.raw).toContain("9.5");
  });

  it("ran without CSP violations or uncaught errors", () => {
    expect(studio.cspViolations).toEqual([]);
    expect(studio.pageErrors).toEqual([]);
  });
});
