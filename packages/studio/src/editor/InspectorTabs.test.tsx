import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SaveOutcome } from "./contract.ts";
import { renderEditor } from "./test-render.tsx";

afterEach(cleanup);

const canvas = () => screen.getByRole("region", { name: "Canvas" });
const tabNames = () => screen.getAllByRole("tab").map((tab) => tab.textContent);

describe("the inspector's tabs", () => {
  it("an action has settings, condition, output, error output and test; a channel settings and test", () => {
    renderEditor();
    fireEvent.click(within(canvas()).getByText("Notify"));
    expect(screen.getByRole("tablist", { name: "Action Notify" })).toBeTruthy();
    expect(tabNames()).toEqual(["Settings", "Condition", "Output", "Error output", "Test"]);
    expect(screen.getByRole("tabpanel", { name: "Settings" })).toBeTruthy();
    fireEvent.click(within(canvas()).getByText("Alerts"));
    expect(tabNames()).toEqual(["Settings", "Test"]);
    expect(screen.getByLabelText("Channel name")).toBeTruthy();
  });

  it("arrow keys, Home and End move between tabs with one tab stop, showing each tab's fields", () => {
    renderEditor();
    fireEvent.click(within(canvas()).getByText("Notify"));
    const settings = screen.getByRole("tab", { name: "Settings" });
    expect(settings.getAttribute("aria-selected")).toBe("true");
    expect(screen.getAllByRole("tab").filter((tab) => tab.tabIndex === 0)).toEqual([settings]);

    fireEvent.keyDown(settings, { key: "ArrowRight" });
    const condition = screen.getByRole("tab", { name: "Condition", selected: true });
    expect(document.activeElement).toBe(condition);
    expect(screen.getByRole("textbox", { name: "Condition" })).toBeTruthy();
    expect(screen.queryByLabelText("Action name")).toBeNull();

    fireEvent.keyDown(condition, { key: "ArrowRight" });
    expect(screen.getByLabelText("Output channel")).toBeTruthy();
    fireEvent.keyDown(document.activeElement as Element, { key: "End" });
    expect(document.activeElement).toBe(screen.getByRole("tab", { name: "Test", selected: true }));
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowRight" });
    expect(document.activeElement).toBe(screen.getByRole("tab", { name: "Settings", selected: true }));
    fireEvent.keyDown(document.activeElement as Element, { key: "ArrowLeft" });
    expect(screen.getByRole("tab", { name: "Test", selected: true })).toBeTruthy();
    fireEvent.keyDown(document.activeElement as Element, { key: "Home" });
    expect(screen.getByLabelText("Action name")).toBeTruthy();
  });

  it("a problem the save finds on another tab switches to that tab and focuses its field", async () => {
    const onSave = vi.fn(
      async (): Promise<SaveOutcome> => ({
        ok: false,
        message: "error output of action 'Notify': no such channel",
        problems: [{ path: ["actions", 1, "errorOutput", "channelId"], message: "no such channel" }],
      }),
    );
    renderEditor({ onSave });
    fireEvent.click(within(canvas()).getByText("Too warm"));
    expect(screen.getByRole("tab", { name: "Settings", selected: true })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(onSave).toHaveBeenCalled());
    const field = await screen.findByLabelText("Error output channel");
    await waitFor(() => expect(document.activeElement).toBe(field));
    expect(screen.getByRole("tablist", { name: "Action Notify" })).toBeTruthy();
    expect(screen.getByRole("tab", { name: /^Error output\W+1 problem$/, selected: true })).toBeTruthy();
  });

  it("the Test tab opens the drawer's test run on the action's channel", () => {
    renderEditor();
    fireEvent.click(within(canvas()).getByText("Tell LINE"));
    fireEvent.click(screen.getByRole("tab", { name: "Test" }));
    fireEvent.click(screen.getByRole("button", { name: "Test run into “Failures”" }));
    expect(screen.getByRole("button", { name: /Test run and steps/ }).getAttribute("aria-expanded")).toBe(
      "true",
    );
    expect((screen.getByLabelText("Channel", { selector: "select" }) as HTMLSelectElement).value).toBe(
      "failures",
    );
  });
});
