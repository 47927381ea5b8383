import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { startTheme } from "../ui/theme.ts";
import { Layout } from "./Layout.tsx";
import { shortcuts } from "./shortcut-list.ts";
import { renderPage } from "./testing.tsx";

function renderLayout() {
  return renderPage(
    <Layout>
      <label>
        Search
        <input />
      </label>
    </Layout>,
    {},
  );
}

afterEach(() => {
  localStorage.clear();
  delete document.documentElement.dataset.theme;
});

describe("the theme toggle", () => {
  it("sets data-theme on <html> and remembers the choice for the next visit", () => {
    startTheme();
    // happy-dom's system setting is light; "System" is the choice until one is made.
    expect(document.documentElement.dataset.theme).toBe("light");
    const { unmount } = renderLayout();
    const toggle = screen.getByRole("group", { name: "Theme" });
    expect(within(toggle).getByRole("radio", { name: "System" })).toHaveProperty("checked", true);

    fireEvent.click(within(toggle).getByRole("radio", { name: "Dark" }));
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem("conflux.theme")).toBe("dark");
    expect(within(toggle).getByRole("radio", { name: "Dark" })).toHaveProperty("checked", true);
    unmount();

    // The next page load applies it before anything renders.
    delete document.documentElement.dataset.theme;
    startTheme();
    expect(document.documentElement.dataset.theme).toBe("dark");
    renderLayout();
    const again = screen.getByRole("group", { name: "Theme" });
    expect(within(again).getByRole("radio", { name: "Dark" })).toHaveProperty("checked", true);

    fireEvent.click(within(again).getByRole("radio", { name: "System" }));
    expect(document.documentElement.dataset.theme).toBe("light");
    expect(localStorage.getItem("conflux.theme")).toBeNull();
  });
});

describe("the keyboard shortcuts help", () => {
  it('opens with "?" outside a field, and lists every shortcut', async () => {
    renderLayout();
    expect(screen.queryByRole("dialog", { name: "Keyboard shortcuts" })).toBeNull();
    act(() => {
      fireEvent.keyDown(document.body, { key: "?" });
    });
    const dialog = await screen.findByRole("dialog", { name: "Keyboard shortcuts" });
    const rows = within(dialog).getAllByRole("row").slice(1);
    expect(rows.map((row) => within(row).getAllByRole("cell")[1]?.textContent)).toEqual(
      shortcuts.map((shortcut) => shortcut.does),
    );
    expect(rows[4]?.textContent).toContain("Ctrl/Cmd+Shift+Z or Ctrl/Cmd+Y");
    fireEvent.click(within(dialog).getByRole("button", { name: "Close" }));
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Keyboard shortcuts" })).toBeNull());
  });

  it('does not open while typing a "?" in a field', () => {
    renderLayout();
    const input = screen.getByLabelText("Search");
    input.focus();
    fireEvent.keyDown(input, { key: "?" });
    expect(screen.queryByRole("dialog", { name: "Keyboard shortcuts" })).toBeNull();
  });

  it("opens from the header's button", async () => {
    renderLayout();
    fireEvent.click(screen.getByRole("button", { name: "Keyboard shortcuts" }));
    expect(await screen.findByRole("dialog", { name: "Keyboard shortcuts" })).toBeTruthy();
  });
});
