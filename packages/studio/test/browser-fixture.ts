import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import type { ConfigInput } from "../../server/src/conflux.ts";
import { type ApiSession, signUp, startTestConflux, testPassword } from "../../server/test/harness.ts";
import { ensureStudioBuild, studioBuildDir } from "../scripts/ensure-build.ts";

/** A real Conflux serving the built studio (with its CSP), and Debian's chromium on a fresh profile. */
export interface StudioInBrowser {
  conflux: Awaited<ReturnType<typeof startTestConflux>>;
  page: Page;
  /** Console messages that mean the CSP blocked something the studio needs. */
  cspViolations: string[];
  pageErrors: string[];
  close(): Promise<void>;
}

/** Builds the studio when its build is stale, starts Conflux serving it, and opens a browser page. */
export async function openStudioInBrowser(overrides: ConfigInput = {}): Promise<StudioInBrowser> {
  await ensureStudioBuild("ignore");
  const conflux = await startTestConflux({ studioDir: studioBuildDir, ...overrides });
  const profileDir = mkdtempSync(path.join(tmpdir(), "conflux-chromium-"));
  let browser: BrowserContext | undefined;
  const close = async () => {
    await browser?.close();
    await conflux.cleanUp();
    rmSync(profileDir, { recursive: true, force: true });
  };
  try {
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      viewport: { width: 1280, height: 800 },
      // Nothing in the background may reach the network or add to what the page logs.
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-quic",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(15_000);
    const cspViolations: string[] = [];
    const pageErrors: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    return { conflux, page, cspViolations, pageErrors, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The same, with an operator signed up through the API and logged in through the studio's log-in page. */
export async function openStudioLoggedIn(email: string): Promise<StudioInBrowser & { session: ApiSession }> {
  const studio = await openStudioInBrowser();
  try {
    const session = await signUp(studio.conflux.url, email);
    const { page } = studio;
    await page.goto(`${studio.conflux.url}/login`);
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill(testPassword);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByTestId("operator-email").filter({ hasText: email }).waitFor();
    return { ...studio, session };
  } catch (error) {
    await studio.close();
    throw error;
  }
}
