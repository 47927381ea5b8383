import { act, fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ToastProvider, useToast } from "./Toast.tsx";

function ShowButtons() {
  const toast = useToast();
  return (
    <>
      <button type="button" onClick={() => toast.show("App deleted")}>
        info
      </button>
      <button type="button" onClick={() => toast.show("Cannot reach the server", "error")}>
        error
      </button>
    </>
  );
}

describe("toasts", () => {
  it("are announced once each, by live regions that exist before the first toast", () => {
    const { container } = render(
      <ToastProvider>
        <ShowButtons />
      </ToastProvider>,
    );
    const polite = screen.getByRole("status");
    const assertive = container.querySelector('[aria-live="assertive"]');
    expect(polite.getAttribute("aria-live")).toBe("polite");
    expect(assertive).not.toBeNull();
    expect(polite.textContent).toBe("");

    act(() => fireEvent.click(screen.getByRole("button", { name: "info" })));
    act(() => fireEvent.click(screen.getByRole("button", { name: "error" })));
    // The same region elements, now holding the toasts: a screen reader reads what was added to them.
    expect(screen.getByRole("status")).toBe(polite);
    expect(polite.textContent).toContain("App deleted");
    expect(polite.textContent).not.toContain("Cannot reach the server");
    expect(assertive?.textContent).toContain("Cannot reach the server");
    // No toast has a live role of its own, which would make it a second announcement.
    expect(container.querySelectorAll(".cfx-toast[role], .cfx-toast [aria-live]")).toHaveLength(0);
    expect(screen.queryByRole("alert")).toBeNull();
    expect(
      container.querySelectorAll(
        "[aria-live] [aria-live], [aria-live] [role=status], [aria-live] [role=alert]",
      ),
    ).toHaveLength(0);
  });

  it("a dismissed error leaves its region in place", () => {
    const { container } = render(
      <ToastProvider>
        <ShowButtons />
      </ToastProvider>,
    );
    act(() => fireEvent.click(screen.getByRole("button", { name: "error" })));
    act(() => fireEvent.click(screen.getByRole("button", { name: "Dismiss" })));
    const assertive = container.querySelector('[aria-live="assertive"]');
    expect(assertive?.textContent).toBe("");
  });

  it("stack outside the page's content, errors below the rest, each dismissible, info ones going by themselves", async () => {
    vi.useFakeTimers();
    try {
      const { container } = render(
        <ToastProvider timeoutMs={1_000}>
          <main>
            <ShowButtons />
          </main>
        </ToastProvider>,
      );
      act(() => fireEvent.click(screen.getByRole("button", { name: "error" })));
      act(() => fireEvent.click(screen.getByRole("button", { name: "info" })));
      act(() => fireEvent.click(screen.getByRole("button", { name: "info" })));
      const stack = container.querySelector(".cfx-toasts");
      // Not inside the content, whose status a toast reports: ui.css puts the stack in the navigation's column.
      expect(stack?.closest("main")).toBeNull();
      expect(stack?.getAttribute("data-placement")).toBe("navigation-column");
      expect([...(stack?.querySelectorAll(".cfx-toast") ?? [])].map((toast) => toast.textContent)).toEqual([
        "App deleted✕",
        "App deleted✕",
        "Cannot reach the server✕",
      ]);
      expect(screen.getAllByRole("button", { name: "Dismiss" })).toHaveLength(3);

      act(() => vi.advanceTimersByTime(1_000));
      // The error stays until dismissed.
      expect(stack?.querySelectorAll(".cfx-toast")).toHaveLength(1);
      act(() => fireEvent.click(screen.getByRole("button", { name: "Dismiss" })));
      expect(stack?.querySelectorAll(".cfx-toast")).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
