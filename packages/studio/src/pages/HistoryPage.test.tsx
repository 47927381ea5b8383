import type { App } from "@conflux/core";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { RunFilter, RunSummary } from "../api/conflux-api.ts";
import { renderPage } from "../shell/testing.tsx";
import { HistoryPage } from "./HistoryPage.tsx";

const app = {
  appId: "a1",
  name: "Cold chain",
  channels: [{ channelId: "readings", name: "Readings" }],
  actions: [{ actionId: "notify", name: "Notify", channelId: "readings" }],
} as unknown as App;

function runs(count: number, newest: number): RunSummary[] {
  return Array.from({ length: count }, (_, index) => ({
    runId: `R${String(newest - index).padStart(4, "0")}`,
    appId: "a1",
    channelId: "readings",
    eventType: "api",
    status: "completed",
    replayOf: null,
    appVersion: 1,
    createdAt: 1_700_000_000_000,
  }));
}

describe("the history page", () => {
  it("sends the filters to the API and pages with the nextCursor it answers", async () => {
    // The cursor is opaque: the page asks with what the API handed out, not with a runId it shows.
    const listRuns = vi.fn(async (_appId: string, filter: RunFilter) =>
      filter.cursor === "page-2"
        ? { items: runs(5, 80), nextCursor: null }
        : { items: runs(20, 100), nextCursor: "page-2" },
    );
    renderPage(<HistoryPage appId="a1" />, { getApp: async () => app, listRuns });
    expect(await screen.findByRole("link", { name: "Open run R0100" })).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Older runs" }));
    expect(await screen.findByRole("link", { name: "Open run R0080" })).toBeTruthy();
    expect(listRuns).toHaveBeenLastCalledWith("a1", expect.objectContaining({ cursor: "page-2", limit: 20 }));
    expect((screen.getByRole("button", { name: "Older runs" }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Newer runs" }));
    expect(await screen.findByRole("link", { name: "Open run R0100" })).toBeTruthy();
    expect(listRuns).toHaveBeenLastCalledWith("a1", expect.objectContaining({ cursor: undefined }));
    expect((screen.getByRole("button", { name: "Newer runs" }) as HTMLButtonElement).disabled).toBe(true);

    await screen.findByRole("option", { name: "Notify" });
    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "failed" } });
    fireEvent.change(screen.getByLabelText("Channel"), { target: { value: "readings" } });
    fireEvent.change(screen.getByLabelText("Action"), { target: { value: "notify" } });
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2026-01-02T03:04" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply filters" }));
    await waitFor(() =>
      expect(listRuns).toHaveBeenLastCalledWith("a1", {
        status: "failed",
        channelId: "readings",
        actionId: "notify",
        from: new Date("2026-01-02T03:04").getTime(),
        to: undefined,
        cursor: undefined,
        limit: 20,
      }),
    );
  });

  it("shows the app version each run ran against, and a dash for runs from before versions", async () => {
    const [newer, older] = runs(2, 2);
    renderPage(<HistoryPage appId="a1" />, {
      getApp: async () => app,
      listRuns: async () => ({
        items: [
          { ...(newer as RunSummary), appVersion: 3 },
          { ...(older as RunSummary), appVersion: null },
        ],
        nextCursor: null,
      }),
    });
    await screen.findByRole("link", { name: "Open run R0002" });
    expect(screen.getByRole("columnheader", { name: "App version" })).toBeTruthy();
    const rowOf = (runId: string) =>
      screen.getByRole("link", { name: `Open run ${runId}` }).closest("tr") as HTMLElement;
    expect(within(rowOf("R0002")).getByRole("cell", { name: "3" })).toBeTruthy();
    expect(within(rowOf("R0001")).getByRole("cell", { name: "—" })).toBeTruthy();
  });

  it("replays a run and opens the new one", async () => {
    const replayRun = vi.fn(async () => ({ runId: "R9999" }));
    renderPage(<HistoryPage appId="a1" />, {
      getApp: async () => app,
      listRuns: async () => ({ items: runs(1, 5), nextCursor: null }),
      replayRun,
    });
    fireEvent.click(await screen.findByRole("button", { name: "Replay run R0005" }));
    await waitFor(() => expect(window.location.pathname).toBe("/apps/a1/runs/R9999"));
    expect(replayRun).toHaveBeenCalledWith("a1", "R0005");
  });
});
