import type { App } from "@conflux/core";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { FailedDelivery, FailedDeliveryFilter } from "../api/conflux-api.ts";
import { renderPage } from "../shell/testing.tsx";
import { FailedDeliveriesPage } from "./FailedDeliveriesPage.tsx";

const apps = [
  { appId: "a1", name: "Cold chain" },
  { appId: "a2", name: "Door alarms" },
] as unknown as App[];

function delivery(n: number, overrides: Partial<FailedDelivery> = {}): FailedDelivery {
  return {
    stepId: `M${n}:notify`,
    runId: `R${n}`,
    messageId: `M${n}`,
    appId: "a1",
    actionId: "notify",
    actionType: "webhook",
    error: { code: "http_status", message: "the webhook answered HTTP 503" },
    attempts: 1440,
    failedAt: 1_700_000_000_000,
    ...overrides,
  };
}

describe("the failed deliveries page", () => {
  it("lists failed deliveries with their app, action, error and run", async () => {
    renderPage(<FailedDeliveriesPage />, {
      listApps: async () => apps,
      listFailedDeliveries: async () => ({
        items: [
          delivery(2),
          delivery(1, { appId: "a2", error: { code: "outbound_timeout", message: "no answer" } }),
        ],
        nextCursor: null,
      }),
    });
    const link = await screen.findByRole("link", { name: "Open run R2" });
    expect(link.getAttribute("href")).toBe("/apps/a1/runs/R2");
    const row = link.closest("tr") as HTMLElement;
    expect(within(row).getByRole("cell", { name: "Cold chain" })).toBeTruthy();
    expect(within(row).getByRole("cell", { name: "notify (webhook)" })).toBeTruthy();
    expect(within(row).getByRole("cell", { name: "http_status" })).toBeTruthy();
    expect(within(row).getByRole("cell", { name: "1440" })).toBeTruthy();
    const other = (await screen.findByRole("link", { name: "Open run R1" })).closest("tr") as HTMLElement;
    await waitFor(() => expect(within(other).getByRole("cell", { name: "Door alarms" })).toBeTruthy());
    expect(within(other).getByRole("cell", { name: "outbound_timeout" })).toBeTruthy();
  });

  it("sends the filters to the API, and 'Replay all matching' replays what they match and says how many", async () => {
    const listFailedDeliveries = vi.fn(async (_filter: FailedDeliveryFilter) => ({
      items: [delivery(1)],
      nextCursor: null,
    }));
    const replayFailedDeliveries = vi.fn(async (_filter: FailedDeliveryFilter) => ({ requeued: 37 }));
    renderPage(<FailedDeliveriesPage />, {
      listApps: async () => apps,
      listFailedDeliveries,
      replayFailedDeliveries,
    });
    await screen.findByRole("option", { name: "Door alarms" });
    fireEvent.change(screen.getByLabelText("App"), { target: { value: "a2" } });
    fireEvent.change(screen.getByLabelText("Action id"), { target: { value: " notify " } });
    fireEvent.change(screen.getByLabelText("Error code"), { target: { value: "http_status" } });
    fireEvent.change(screen.getByLabelText("Failed from"), { target: { value: "2026-01-02T03:04" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply filters" }));
    const applied = {
      appId: "a2",
      actionId: "notify",
      errorCode: "http_status",
      from: new Date("2026-01-02T03:04").getTime(),
      to: undefined,
    };
    await waitFor(() =>
      expect(listFailedDeliveries).toHaveBeenLastCalledWith({ ...applied, cursor: undefined, limit: 50 }),
    );
    const calls = listFailedDeliveries.mock.calls.length;

    fireEvent.click(screen.getByRole("button", { name: "Replay all matching" }));
    await waitFor(() => expect(replayFailedDeliveries).toHaveBeenCalledWith(applied));
    expect(await screen.findByText("Queued 37 deliveries again")).toBeTruthy();
    // The list is read again, so what was queued leaves it.
    await waitFor(() => expect(listFailedDeliveries.mock.calls.length).toBeGreaterThan(calls));
  });

  it("pages older with the nextCursor the API answers, back to newer, and no further than the last page", async () => {
    const listFailedDeliveries = vi.fn(async ({ cursor }: FailedDeliveryFilter & { cursor?: string }) =>
      cursor === "opaque-2"
        ? { items: [delivery(1)], nextCursor: null }
        : { items: [delivery(3), delivery(2)], nextCursor: "opaque-2" },
    );
    renderPage(<FailedDeliveriesPage />, { listApps: async () => apps, listFailedDeliveries });
    await screen.findByRole("link", { name: "Open run R3" });
    const older = () => screen.getByRole("button", { name: "Older" }) as HTMLButtonElement;
    const newer = () => screen.getByRole("button", { name: "Newer" }) as HTMLButtonElement;
    expect(newer().disabled).toBe(true);
    fireEvent.click(older());
    expect(await screen.findByRole("link", { name: "Open run R1" })).toBeTruthy();
    expect(listFailedDeliveries).toHaveBeenLastCalledWith(expect.objectContaining({ cursor: "opaque-2" }));
    expect(screen.queryByRole("link", { name: "Open run R3" })).toBeNull();
    expect(older().disabled).toBe(true);
    fireEvent.click(newer());
    expect(await screen.findByRole("link", { name: "Open run R3" })).toBeTruthy();
    expect(older().disabled).toBe(false);
  });

  it("offers no replay when nothing matches", async () => {
    renderPage(<FailedDeliveriesPage />, {
      listApps: async () => apps,
      listFailedDeliveries: async () => ({ items: [], nextCursor: null }),
    });
    expect(await screen.findByText("No failed deliveries match.")).toBeTruthy();
    const replay = screen.getByRole("button", { name: "Replay all matching" }) as HTMLButtonElement;
    expect(replay.disabled).toBe(true);
  });
});
