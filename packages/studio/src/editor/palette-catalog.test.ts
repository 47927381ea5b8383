import { isRunnableActionType } from "@conflux/core";
import { describe, expect, it } from "vitest";
import { actionTypes, eventSourceTypes } from "./app-edits.ts";
import { filterPalette, paletteCategories, paletteEntries, paletteKey } from "./palette-catalog.ts";

const keysOf = (query: string, fits?: Parameters<typeof filterPalette>[1]) =>
  filterPalette(query, fits).flatMap((group) => group.entries.map((entry) => paletteKey(entry.item)));

describe("the palette's catalogue", () => {
  it("offers every event source, the channel and every runnable action once, never a planned type", () => {
    const keys = paletteEntries.map((entry) => paletteKey(entry.item));
    expect(new Set(keys).size).toBe(keys.length);
    for (const type of eventSourceTypes) expect(keys).toContain(`source:${type}`);
    expect(keys).toContain("channel");
    for (const type of actionTypes) {
      const offered = keys.includes(`action:${type}`);
      if (!isRunnableActionType(type)) expect(offered, type).toBe(false);
    }
    // Flux's guessed aliases stay off; their Conflux twins are there and found by the alias name
    expect(keys).not.toContain("action:email-notification");
    expect(keys).not.toContain("action:soracom-api");
    expect(keysOf("email-notification")).toEqual(["action:email"]);
    expect(keysOf("soracom-api")).toEqual(["action:api"]);
  });

  it("groups in category order with sources first, and every entry has a title and a one-line description", () => {
    const groups = filterPalette("");
    expect(groups.map((group) => group.category)).toEqual([...paletteCategories]);
    expect(groups[0]?.entries.every((entry) => entry.item.kind === "source")).toBe(true);
    for (const entry of paletteEntries) {
      expect(entry.title.length).toBeGreaterThan(0);
      expect(entry.description).not.toMatch(/\n/);
      expect(entry.description.length).toBeLessThanOrEqual(80);
    }
  });

  it("filters by title, description, type name and keywords, any case, every word", () => {
    expect(keysOf("SLACK")).toEqual(["action:slack", "action:slack-notification"]);
    expect(keysOf("cron")).toEqual(["source:scheduled-timer"]);
    expect(keysOf("timer")).toEqual(["source:interval-timer", "source:scheduled-timer"]);
    expect(keysOf("http request")).toEqual(["action:webhook"]);
    expect(keysOf("image camera")).toEqual(["action:object-detection", "action:bounding-box"]);
    expect(keysOf("javascript")).toEqual(["action:code"]);
    expect(keysOf("no such thing")).toEqual([]);
    // empty categories are left out
    expect(filterPalette("cron").map((group) => group.category)).toEqual(["Sources"]);
  });

  it("shows only what fits where something is inserted", () => {
    const onlyActions = keysOf("", (item) => item.kind === "action");
    expect(onlyActions.length).toBeGreaterThan(5);
    expect(onlyActions.every((key) => key.startsWith("action:"))).toBe(true);
    expect(keysOf("mail", (item) => item.kind === "source")).toEqual([]);
  });
});
