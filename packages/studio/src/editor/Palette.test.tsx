import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { insertableEdgeAt } from "./edges.tsx";
import { Palette } from "./Palette.tsx";
import { paletteActionDragType, paletteDragType } from "./palette.ts";

afterEach(cleanup);

function renderPalette(props: Partial<Parameters<typeof Palette>[0]> = {}) {
  const onAdd = vi.fn();
  const onCancelInsert = vi.fn();
  render(<Palette onAdd={onAdd} onCancelInsert={onCancelInsert} {...props} />);
  const search = screen.getByRole("combobox", { name: "Search the palette" });
  return { onAdd, onCancelInsert, search };
}

const optionNames = () => screen.queryAllByRole("option").map((option) => option.textContent);
const activeOption = (search: HTMLElement) =>
  document.getElementById(search.getAttribute("aria-activedescendant") ?? "");

describe("the palette", () => {
  it("lists the categories with icons and a description per item; typing filters as you go", () => {
    const { search } = renderPalette();
    for (const category of ["Sources", "Flow", "AI", "Notifications", "Data", "Code", "Devices"])
      expect(screen.getByRole("group", { name: category })).toBeTruthy();
    const webhook = screen.getByRole("option", { name: "Webhook" });
    expect(webhook.querySelector("svg")).toBeTruthy();
    expect(webhook.getAttribute("aria-describedby")).toBeTruthy();
    expect(document.getElementById(webhook.getAttribute("aria-describedby") ?? "")?.textContent).toBe(
      "Sends an HTTP request to any URL",
    );

    fireEvent.change(search, { target: { value: "mail" } });
    expect(screen.getAllByRole("option").map((option) => option.getAttribute("id"))).toHaveLength(1);
    expect(screen.getByRole("option", { name: "E-mail" })).toBeTruthy();
    expect(screen.queryByRole("group", { name: "Sources" })).toBeNull();

    fireEvent.change(search, { target: { value: "zzz" } });
    expect(screen.queryAllByRole("option")).toHaveLength(0);
    expect(screen.getByText("Nothing matches “zzz”.")).toBeTruthy();
  });

  it("arrows move through what is shown and Enter adds it; Escape clears the search", () => {
    const { onAdd, search } = renderPalette();
    fireEvent.change(search, { target: { value: "timer" } });
    expect(activeOption(search)?.textContent).toContain("Every few minutes");
    fireEvent.keyDown(search, { key: "ArrowDown" });
    expect(activeOption(search)?.textContent).toContain("Schedule");
    expect(activeOption(search)?.getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(search, { key: "ArrowDown" }); // wraps round
    expect(activeOption(search)?.textContent).toContain("Every few minutes");
    fireEvent.keyDown(search, { key: "ArrowUp" });
    fireEvent.keyDown(search, { key: "Enter" });
    expect(onAdd).toHaveBeenCalledWith({ kind: "source", type: "scheduled-timer" });
    // after adding, the search starts over
    expect((search as HTMLInputElement).value).toBe("");

    fireEvent.change(search, { target: { value: "slack" } });
    fireEvent.keyDown(search, { key: "Escape" });
    expect((search as HTMLInputElement).value).toBe("");
    expect(optionNames().length).toBeGreaterThan(10);
  });

  it("a click adds; dragging carries the item, marked as an action when it is one", () => {
    const { onAdd } = renderPalette();
    fireEvent.click(screen.getByRole("option", { name: "Channel" }));
    expect(onAdd).toHaveBeenCalledWith({ kind: "channel" });

    const data = new Map<string, string>();
    const dataTransfer = {
      setData: (type: string, value: string) => data.set(type, value),
      effectAllowed: "",
    };
    fireEvent.dragStart(screen.getByRole("option", { name: "Code" }), { dataTransfer });
    expect(JSON.parse(data.get(paletteDragType) ?? "null")).toEqual({ kind: "action", type: "code" });
    expect(data.has(paletteActionDragType)).toBe(true);
    data.clear();
    fireEvent.dragStart(screen.getByRole("option", { name: "Device" }), { dataTransfer });
    expect(JSON.parse(data.get(paletteDragType) ?? "null")).toEqual({ kind: "source", type: "device" });
    expect(data.has(paletteActionDragType)).toBe(false);
  });

  it('"/" outside a text field focuses the search; typed in a field it stays a character', async () => {
    const { search } = renderPalette();
    const other = document.createElement("input");
    document.body.append(other);
    other.focus();
    fireEvent.keyDown(other, { key: "/" });
    expect(document.activeElement).toBe(other);
    fireEvent.keyDown(document.body, { key: "/" });
    await waitFor(() => expect(document.activeElement).toBe(search));
    other.remove();
  });

  it("inserting on a connection lists only what fits there, names it, and Escape cancels", async () => {
    const { onCancelInsert, search } = renderPalette({
      insert: { label: "Channel Alerts → Action Notify (webhook)", fits: (item) => item.kind === "action" },
    });
    expect(
      within(screen.getByRole("status")).getByText("Channel Alerts → Action Notify (webhook)"),
    ).toBeTruthy();
    expect(screen.queryByRole("group", { name: "Sources" })).toBeNull();
    expect(screen.queryByRole("option", { name: "Channel" })).toBeNull();
    expect(screen.getByRole("option", { name: "Code" })).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(search));
    fireEvent.keyDown(search, { key: "Escape" });
    expect(onCancelInsert).toHaveBeenCalled();
  });

  it("can be hidden to give the canvas room, and comes back", () => {
    renderPalette();
    fireEvent.click(screen.getByRole("button", { name: "Hide palette" }));
    expect(screen.queryByRole("combobox")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Show palette" }));
    expect(screen.getByRole("combobox", { name: "Search the palette" })).toBeTruthy();
  });
});

describe("the connection under a dragged action", () => {
  it("is the edge the pointer is over, never an event source's", () => {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "g");
    svg.setAttribute("class", "react-flow__edge");
    svg.setAttribute("data-id", "input:notify");
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    svg.append(path);
    const source = document.createElementNS("http://www.w3.org/2000/svg", "g");
    source.setAttribute("class", "react-flow__edge");
    source.setAttribute("data-id", "source:readings");
    const pane = document.createElement("div");
    expect(insertableEdgeAt([path, pane])).toBe("input:notify");
    expect(insertableEdgeAt([source, pane])).toBeUndefined();
    expect(insertableEdgeAt([pane])).toBeUndefined();
  });
});
