import { type App, type AppDefinition, appDefinitionSchema } from "@conflux/core";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppVersion, RunDetail } from "../api/conflux-api.ts";
import { renderPage } from "../shell/testing.tsx";
import { RunPage } from "./RunPage.tsx";

afterEach(cleanup);

/** Version 1 had the action "Notify"; version 2, the app as it is now, deleted it. */
const firstDefinition: AppDefinition = appDefinitionSchema.parse({
  name: "Cold chain",
  channels: [{ channelId: "readings", name: "Readings", eventSource: { type: "api", config: {} } }],
  actions: [{ actionId: "notify", channelId: "readings", name: "Notify", type: "republish", config: {} }],
});
const current: App = { ...firstDefinition, actions: [], appId: "a1", version: 2, createdAt: 1, updatedAt: 2 };
const firstVersion: AppVersion = {
  appId: "a1",
  version: 1,
  createdAt: 1,
  origin: "created",
  restoredFrom: null,
  createdBy: "ops@example.com",
  definition: firstDefinition,
};

function runOn(appVersion: number | null): RunDetail {
  return {
    runId: "R1",
    appId: "a1",
    channelId: "readings",
    eventType: "api",
    status: "completed",
    replayOf: null,
    appVersion,
    createdAt: 1_700_000_000_000,
    messages: [],
    steps: [
      {
        stepId: "R1:notify",
        messageId: "R1",
        channelId: "readings",
        actionId: "notify",
        actionType: "republish",
        status: "completed",
        conditionValue: null,
        input: { temp: 9 },
        result: { temp: 9 },
        error: null,
        usage: null,
        attempts: 1,
        startedAt: 1_700_000_000_000,
        finishedAt: 1_700_000_000_005,
      },
    ],
  };
}

function renderRun(appVersion: number | null, overrides: Record<string, unknown> = {}) {
  const api = {
    getApp: vi.fn(async () => current),
    getRun: vi.fn(async () => runOn(appVersion)),
    getAppVersion: vi.fn(async () => firstVersion),
    listCredentials: vi.fn(async () => []),
    ...overrides,
  };
  renderPage(<RunPage appId="a1" runId="R1" />, api);
  return api;
}

describe("the run page", () => {
  it("shows the app version the run ran against, with an action deleted since", async () => {
    const api = renderRun(1);
    const canvas = await screen.findByRole("region", { name: "Canvas" });
    // React Flow renders the nodes a turn after the canvas region: wait for them, not only the region.
    expect(await within(canvas).findByText("Notify")).toBeTruthy();
    expect(api.getAppVersion).toHaveBeenCalledWith("a1", 1);
    expect(
      await screen.findByText(
        "The canvas shows version 1, the app as this run saw it. The app is now at version 2.",
      ),
    ).toBeTruthy();
  });

  it("restores the run's version after asking, and opens the app", async () => {
    const restoreAppVersion = vi.fn(async () => ({ ...current, version: 3 }));
    renderRun(1, { restoreAppVersion });
    fireEvent.click(await screen.findByRole("button", { name: "Restore version 1" }));
    const dialog = await screen.findByRole("dialog", { name: "Restore version 1?" });
    expect(restoreAppVersion).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole("button", { name: "Restore version 1" }));
    await waitFor(() => expect(window.location.pathname).toBe("/apps/a1"));
    // On the version the page loaded: a save made since then is not overwritten.
    expect(restoreAppVersion).toHaveBeenCalledWith("a1", 1, 2);
    expect(await screen.findByText("Version 1 restored as version 3")).toBeTruthy();
  });

  it("falls back to the app as it is now for a run from before versions, and says so", async () => {
    const api = renderRun(null);
    const canvas = await screen.findByRole("region", { name: "Canvas" });
    expect(await within(canvas).findByText("Readings")).toBeTruthy();
    expect(within(canvas).queryByText("Notify")).toBeNull();
    expect(api.getAppVersion).not.toHaveBeenCalled();
    expect(
      screen.getByText(/This run is older than app versions: the canvas shows the app as it is now/),
    ).toBeTruthy();
  });

  it("says it is read-only with the way back to the editor; values are text; a clicked action opens its step", async () => {
    renderRun(1);
    const canvas = await screen.findByRole("region", { name: "Canvas" });
    const banner = screen.getByText("Read-only:").closest("[role=status]") as HTMLElement;
    expect(banner.textContent).toContain("Read-only: run R1 of Cold chain, version 1.");
    expect(within(banner).getByRole("link", { name: "Edit the app" }).getAttribute("href")).toBe("/apps/a1");
    expect(screen.queryByText(/add one from/)).toBeNull();
    expect(screen.queryByRole("textbox", { name: "App name" })).toBeNull();
    expect(screen.getByText("App name").nextElementSibling?.textContent).toBe("Cold chain");

    fireEvent.click(await within(canvas).findByText("Notify"));
    const drawer = screen.getByRole("region", { name: "Steps of the run" });
    expect(within(drawer).getByRole("region", { name: "Step details" }).textContent).toContain('"temp": 9');
    expect(screen.getByText("Action name").nextElementSibling?.textContent).toBe("Notify");
    expect(screen.queryByRole("button", { name: "Delete action" })).toBeNull();
  });

  it("says nothing more when the run ran against the current version", async () => {
    const api = renderRun(2);
    await screen.findByRole("region", { name: "Canvas" });
    expect(api.getAppVersion).not.toHaveBeenCalled();
    expect(screen.queryByText(/canvas shows|older than app versions/)).toBeNull();
    expect(screen.getByText(/· version 2/)).toBeTruthy();
  });
});
