import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { RunView } from "./contract.ts";
import { renderEditor, runStep } from "./test-render.tsx";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const run: RunView = {
  runId: "run-1",
  channelId: "readings",
  status: "failed",
  steps: [
    runStep("too-warm", "completed"),
    runStep("notify", "failed", { error: { code: "http_status", message: "HTTP 503" }, result: null }),
  ],
};

const canvas = () => screen.getByRole("region", { name: "Canvas" });
const toggle = (name = /Test run and steps/) => screen.getByRole("button", { name });

describe("the run drawer", () => {
  it("is closed at first and opens and closes from its bar", () => {
    renderEditor();
    expect(toggle().getAttribute("aria-expanded")).toBe("false");
    expect(screen.queryByLabelText("Test message (JSON)")).toBeNull();
    fireEvent.click(toggle());
    expect(toggle().getAttribute("aria-expanded")).toBe("true");
    expect(screen.getByLabelText("Test message (JSON)")).toBeTruthy();
    fireEvent.click(toggle());
    expect(screen.queryByLabelText("Test message (JSON)")).toBeNull();
  });

  it("clicking an action of the run opens the drawer on its step, scrolled into view, and the banner says so", async () => {
    const scrolled = vi
      .spyOn(Element.prototype, "scrollIntoView")
      .mockImplementation(function (this: Element) {});
    renderEditor({ run });
    const summary = screen.getByRole("status", { name: "Run summary" });
    expect(summary.textContent).toContain("Select an action to see its step.");

    fireEvent.click(within(canvas()).getByText("Notify"));
    const drawer = screen.getByRole("region", { name: "Test run and steps" });
    const details = within(drawer).getByRole("region", { name: "Step details" });
    expect(details.textContent).toContain("http_status: HTTP 503");
    expect(within(drawer).getByRole("heading", { name: "Action “Notify”" })).toBeTruthy();
    expect(summary.textContent).toContain("The drawer shows the step of “Notify”.");
    await waitFor(() => expect(scrolled).toHaveBeenCalled());
    expect(scrolled.mock.contexts.at(-1)).toBe(details.parentElement);

    // Another action: its step replaces the first, and comes into view again.
    const calls = scrolled.mock.calls.length;
    fireEvent.click(within(canvas()).getByText("Too warm"));
    expect(within(drawer).getByRole("region", { name: "Step details" }).textContent).toContain(
      "In this run: completed",
    );
    expect(summary.textContent).toContain("The drawer shows the step of “Too warm”.");
    await waitFor(() => expect(scrolled.mock.calls.length).toBeGreaterThan(calls));
  });

  it("on a read-only run it has the steps only, and opens on the clicked step", () => {
    renderEditor({ run, readOnly: true });
    expect(screen.queryByLabelText("Test message (JSON)")).toBeNull();
    fireEvent.click(within(canvas()).getByText("Notify"));
    const drawer = screen.getByRole("region", { name: "Steps of the run" });
    expect(within(drawer).getByRole("region", { name: "Step details" }).textContent).toContain("HTTP 503");
    expect(within(drawer).queryByRole("button", { name: "Send test message" })).toBeNull();
  });

  it("a saved version without a run has no drawer", () => {
    renderEditor({ readOnly: true });
    expect(screen.queryByRole("button", { name: /Test run and steps|Steps of the run/ })).toBeNull();
  });

  it("resizes with the arrow keys on its edge, within its bounds", () => {
    renderEditor();
    fireEvent.click(toggle());
    const edge = screen.getByRole("separator", { name: "Resize the drawer" });
    const drawer = screen.getByRole("region", { name: "Test run and steps" });
    const height = Number(edge.getAttribute("aria-valuenow"));
    fireEvent.keyDown(edge, { key: "ArrowUp" });
    expect(Number(edge.getAttribute("aria-valuenow"))).toBeGreaterThan(height);
    expect(drawer.style.height).toBe(`${edge.getAttribute("aria-valuenow")}px`);
    fireEvent.keyDown(edge, { key: "Home" });
    expect(edge.getAttribute("aria-valuenow")).toBe(edge.getAttribute("aria-valuemin"));
    fireEvent.keyDown(edge, { key: "ArrowDown" });
    expect(edge.getAttribute("aria-valuenow")).toBe(edge.getAttribute("aria-valuemin"));
    fireEvent.keyDown(edge, { key: "End" });
    expect(edge.getAttribute("aria-valuenow")).toBe(edge.getAttribute("aria-valuemax"));
  });

  it("Escape closes the drawer, then deselects; in an inspector field it does neither", () => {
    renderEditor({ run });
    fireEvent.click(within(canvas()).getByText("Notify"));
    fireEvent.keyDown(screen.getByLabelText("Action name"), { key: "Escape" });
    expect(toggle().getAttribute("aria-expanded")).toBe("true");
    fireEvent.keyDown(document.body, { key: "Escape" });
    expect(toggle().getAttribute("aria-expanded")).toBe("false");
    expect(screen.getByLabelText("Action name")).toBeTruthy();
    fireEvent.keyDown(document.body, { key: "Escape" });
    expect(screen.queryByLabelText("Action name")).toBeNull();
    expect(screen.getByLabelText("App name")).toBeTruthy();
  });

  it("Ctrl+Enter sends the test message from anywhere in the editor and opens the drawer", async () => {
    const props = renderEditor();
    fireEvent.click(within(canvas()).getByText("Notify"));
    fireEvent.keyDown(screen.getByLabelText("Action name"), { key: "Enter", ctrlKey: true });
    await waitFor(() => expect(props.onTestRun).toHaveBeenCalledWith("readings", {}));
    expect(toggle().getAttribute("aria-expanded")).toBe("true");
    fireEvent.change(screen.getByLabelText("Test message (JSON)"), { target: { value: "{oops" } });
    fireEvent.keyDown(document.body, { key: "Enter", metaKey: true });
    expect(props.onTestRun).toHaveBeenCalledTimes(1);
  });
});
