import { type App, type AppDefinition, appDefinitionSchema } from "@conflux/core";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client.ts";
import type { AppVersion, AppVersionSummary, ConfluxApi } from "../api/conflux-api.ts";
import { renderPage } from "../shell/testing.tsx";
import { AppPage } from "./AppPage.tsx";
import { VersionPage } from "./VersionPage.tsx";

afterEach(cleanup);
beforeEach(() => window.history.replaceState(null, "", "/"));

/** Version 2 had the action "Notify"; version 3, the app as it is now, deleted it. */
const secondDefinition: AppDefinition = appDefinitionSchema.parse({
  name: "Cold chain",
  channels: [{ channelId: "readings", name: "Readings", eventSource: { type: "api", config: {} } }],
  actions: [{ actionId: "notify", channelId: "readings", name: "Notify", type: "republish", config: {} }],
});
const current: App = {
  ...secondDefinition,
  actions: [],
  appId: "a1",
  version: 3,
  createdAt: 1,
  updatedAt: 3,
};
const restored: App = { ...secondDefinition, appId: "a1", version: 4, createdAt: 1, updatedAt: 4 };
const summaryOf = (
  version: number,
  made: Pick<AppVersionSummary, "origin" | "restoredFrom" | "createdBy">,
): AppVersionSummary => ({ appId: "a1", version, createdAt: 1_700_000_000_000 + version, ...made });
/** Version 3 restored version 1; version 1 was saved before the server recorded what made a version. */
const summaries: AppVersionSummary[] = [
  summaryOf(3, { origin: "restored", restoredFrom: 1, createdBy: "ana@example.com" }),
  summaryOf(2, { origin: "saved", restoredFrom: null, createdBy: "ben@example.com" }),
  summaryOf(1, { origin: null, restoredFrom: null, createdBy: null }),
];
const second: AppVersion = {
  ...summaryOf(2, { origin: "saved", restoredFrom: null, createdBy: "ben@example.com" }),
  definition: secondDefinition,
};

function standIn(overrides: Partial<ConfluxApi> = {}) {
  return {
    getApp: vi.fn(async () => current),
    listCredentials: vi.fn(async () => []),
    listAiModels: vi.fn(async () => []),
    listAppVersions: vi.fn(async () => ({ items: summaries, nextCursor: null })),
    getAppVersion: vi.fn(async () => second),
    restoreAppVersion: vi.fn(async () => restored),
    ...overrides,
  };
}

async function openVersions() {
  fireEvent.click(await screen.findByRole("button", { name: "Versions" }));
  return screen.findByRole("dialog", { name: "Versions of Cold chain" });
}

describe("the app page's versions", () => {
  it("lists the versions newest first, each opening read-only, the older ones restorable", async () => {
    const api = standIn();
    renderPage(<AppPage appId="a1" />, api);
    const dialog = await openVersions();
    const table = await within(dialog).findByRole("table", { name: "Versions of Cold chain, newest first" });
    await within(table).findByText("Version 2");
    const rows = within(table).getAllByRole("row").slice(1);
    // Each row reads as a screen reader says it: version, when, what made it, who.
    expect(
      rows.map((row) =>
        Array.from(row.querySelectorAll("td"))
          .slice(0, 4)
          .map((cell, index) => (index === 1 ? "(time)" : cell.textContent)),
      ),
    ).toEqual([
      ["Version 3, current", "(time)", "restored from version 1", "ana@example.com"],
      ["Version 2", "(time)", "saved", "ben@example.com"],
      ["Version 1", "(time)", "unknown", "unknown"],
    ]);
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((header) => header.textContent),
    ).toEqual(["Version", "Saved", "Origin", "Saved by", "Actions"]);
    expect(
      within(rows[0] as HTMLElement)
        .getByRole("time")
        .getAttribute("dateTime"),
    ).toBe(new Date(1_700_000_000_003).toISOString());
    // The current version opens, but there is nothing to restore.
    expect(within(table).queryByRole("button", { name: "Restore version 3" })).toBeNull();
    expect(within(table).getByRole("link", { name: "Open version 1 read-only" }).getAttribute("href")).toBe(
      "/apps/a1/versions/1",
    );
    expect(api.listAppVersions).toHaveBeenCalledWith("a1", { limit: 20 });
    expect(within(dialog).queryByRole("button", { name: "Show older versions" })).toBeNull();
  });

  it("offers no Restore to a user without AppVersion:restoreAppVersion, while the versions still open", async () => {
    const api = standIn();
    const readOnly = { can: (name: string) => name !== "AppVersion:restoreAppVersion", known: true };
    renderPage(<AppPage appId="a1" />, api, {}, {}, readOnly);
    const dialog = await openVersions();
    const table = await within(dialog).findByRole("table", { name: "Versions of Cold chain, newest first" });
    await within(table).findByText("Version 2");
    expect(within(table).getByRole("link", { name: "Open version 1 read-only" })).toBeTruthy();
    expect(within(table).queryByRole("button", { name: /^Restore version/ })).toBeNull();
  });

  it("restores after asking, on the version the editor's copy is based on, and shows the restored app", async () => {
    const api = standIn();
    renderPage(<AppPage appId="a1" />, api);
    const dialog = await openVersions();
    fireEvent.click(await within(dialog).findByRole("button", { name: "Restore version 2" }));
    const confirm = await screen.findByRole("dialog", { name: "Restore version 2?" });
    expect(confirm.textContent).not.toContain("not saved");
    expect(api.restoreAppVersion).not.toHaveBeenCalled();
    fireEvent.click(within(confirm).getByRole("button", { name: "Restore version 2" }));
    await waitFor(() => expect(api.restoreAppVersion).toHaveBeenCalledWith("a1", 2, 3));
    expect(await screen.findByText("Version 2 restored as version 4")).toBeTruthy();
    const canvas = await screen.findByRole("region", { name: "Canvas" });
    expect(await within(canvas).findByText("Notify")).toBeTruthy();
  });

  it("with unsaved changes, restoring says they will be lost, and discards them", async () => {
    const api = standIn();
    renderPage(<AppPage appId="a1" />, api);
    fireEvent.change(await screen.findByLabelText("App name"), { target: { value: "Cold chain, edited" } });
    expect(screen.getByText("Unsaved changes")).toBeTruthy();
    const dialog = await openVersions();
    fireEvent.click(await within(dialog).findByRole("button", { name: "Restore version 2" }));
    const confirm = await screen.findByRole("dialog", { name: "Restore version 2?" });
    expect(confirm.textContent).toContain("This app has changes that are not saved. They will be lost.");
    fireEvent.click(within(confirm).getByRole("button", { name: "Discard changes and restore version 2" }));
    await waitFor(() => expect(api.restoreAppVersion).toHaveBeenCalledWith("a1", 2, 3));
    await waitFor(() => expect(screen.queryByText("Unsaved changes")).toBeNull());
    expect((screen.getByLabelText("App name") as HTMLInputElement).value).toBe("Cold chain");
    expect(within(screen.getByRole("region", { name: "Canvas" })).getByText("Notify")).toBeTruthy();
  });

  it("a restore refused because the app was saved elsewhere says so and keeps the editor as it was", async () => {
    const api = standIn({
      restoreAppVersion: vi.fn(async () => {
        throw new ApiError(
          412,
          "precondition_failed",
          "app a1 was saved elsewhere since version 3: it is at version 4 now. Load it again, then save your changes.",
        );
      }),
    });
    renderPage(<AppPage appId="a1" />, api);
    const dialog = await openVersions();
    fireEvent.click(await within(dialog).findByRole("button", { name: "Restore version 2" }));
    const confirm = await screen.findByRole("dialog", { name: "Restore version 2?" });
    fireEvent.click(within(confirm).getByRole("button", { name: "Restore version 2" }));
    expect(
      (await screen.findByText(/The version was not restored: app a1 was saved elsewhere since version 3/))
        .textContent,
    ).toContain("Load it again");
    expect(within(screen.getByRole("region", { name: "Canvas" })).queryByText("Notify")).toBeNull();
  });

  it("pages to older versions with the nextCursor the API answers, until it is null", async () => {
    const page = (from: number) =>
      Array.from({ length: 20 }, (_, index) =>
        summaryOf(from - index, { origin: "saved", restoredFrom: null, createdBy: null }),
      );
    // The cursor is opaque: the page asks with what the API handed out, not with a version it shows.
    const listAppVersions = vi.fn(async (_appId: string, { cursor }: { cursor?: string | undefined }) =>
      cursor === undefined
        ? { items: page(25), nextCursor: "after-6" }
        : { items: page(5).slice(0, 5), nextCursor: null },
    );
    renderPage(
      <AppPage appId="a1" />,
      standIn({ getApp: vi.fn(async () => ({ ...current, version: 25 })), listAppVersions }),
    );
    const dialog = await openVersions();
    const showOlder = await within(dialog).findByRole("button", { name: "Show older versions" });
    showOlder.focus();
    fireEvent.click(showOlder);
    await within(dialog).findByText("Version 1");
    expect(listAppVersions).toHaveBeenLastCalledWith("a1", { limit: 20, cursor: "after-6" });
    expect(within(dialog).getAllByRole("row")).toHaveLength(26);
    expect(within(dialog).queryByRole("button", { name: "Show older versions" })).toBeNull();
    // The button went with the last page: the focus is on the first version it showed, not lost.
    await waitFor(() =>
      expect(document.activeElement).toBe(
        within(dialog).getByRole("link", { name: "Open version 5 read-only" }),
      ),
    );
  });
});

describe("the version page", () => {
  it("shows a saved version read-only, and restores it after asking", async () => {
    const api = standIn();
    renderPage(<VersionPage appId="a1" version={2} />, api);
    const canvas = await screen.findByRole("region", { name: "Canvas" });
    expect(within(canvas).getByText("Notify")).toBeTruthy();
    expect(api.getAppVersion).toHaveBeenCalledWith("a1", 2);
    expect(
      screen.getByText("The canvas shows version 2, read-only. The app is now at version 3."),
    ).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Save" })).toBeNull();
    const banner = screen.getByText("Read-only:").closest("[role=status]") as HTMLElement;
    expect(banner.textContent).toContain("Read-only: version 2 of");
    expect(within(banner).getByRole("link", { name: "Edit the app" }).getAttribute("href")).toBe("/apps/a1");
    // No test run and no drawer on a saved version; the app's name is text, not a field.
    expect(screen.queryByRole("button", { name: /Test run/ })).toBeNull();
    expect(screen.queryByRole("textbox", { name: "App name" })).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Restore version 2" }));
    const confirm = await screen.findByRole("dialog", { name: "Restore version 2?" });
    fireEvent.click(within(confirm).getByRole("button", { name: "Restore version 2" }));
    await waitFor(() => expect(window.location.pathname).toBe("/apps/a1"));
    expect(api.restoreAppVersion).toHaveBeenCalledWith("a1", 2, 3);
  });

  it("says when it shows the current version, with nothing to restore", async () => {
    renderPage(
      <VersionPage appId="a1" version={3} />,
      standIn({
        getAppVersion: vi.fn(async () => ({
          ...second,
          version: 3,
          definition: { ...secondDefinition, actions: [] },
        })),
      }),
    );
    expect(await screen.findByText("This is the app's current version, shown read-only.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /^Restore/ })).toBeNull();
  });
});
