import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { AlignedData, Options } from "uplot";
import { describe, expect, it, vi } from "vitest";
import { chooseTheme } from "../ui/theme.ts";
import type { DataEntry } from "./console-api.ts";
import { DataChart } from "./DataChart.tsx";

// happy-dom has no canvas to draw on: the chart is checked by what the page asks uPlot to draw.
const drawn = vi.hoisted(() => [] as Array<{ options: Options; data: AlignedData }>);
vi.mock("uplot", () => ({
  default: class {
    constructor(options: Options, data: AlignedData) {
      drawn.push({ options, data });
    }
    destroy() {}
  },
}));

const entries: DataEntry[] = [1, 2, 3].map((second) => ({
  time: second * 1_000,
  contentType: "application/json",
  content: { battery: 1 - second / 100, seq: second * 1_000, temp: 20 + second, label: "x" },
}));

describe("the device data chart", () => {
  it("gives the battery, the counter and the temperature an axis each, on alternating sides", async () => {
    drawn.length = 0;
    render(<DataChart entries={entries} />);
    await waitFor(() => expect(drawn).toHaveLength(1));
    const { options } = drawn[0] ?? { options: {} as Options };
    expect(options.series.slice(1).map((line) => [line.label, line.scale])).toEqual([
      ["battery", "y0"],
      ["seq", "y4"],
      ["temp", "y2"],
    ]);
    expect(options.axes?.slice(1).map((axis) => [axis.scale, axis.label, axis.side])).toEqual([
      ["y0", "battery", 3],
      ["y4", "seq", 1],
      ["y2", "temp", 3],
    ]);
    expect(screen.getByRole("img").getAttribute("aria-label")).toBe("Chart of battery, seq, temp over time");
  });

  it("draws only the picked fields, with the axes of those", async () => {
    drawn.length = 0;
    render(<DataChart entries={entries} />);
    await waitFor(() => expect(drawn).toHaveLength(1));
    fireEvent.click(screen.getByRole("checkbox", { name: "seq" }));
    await waitFor(() => expect(drawn).toHaveLength(2));
    const { options, data } = drawn[1] ?? { options: {} as Options, data: [] as unknown as AlignedData };
    expect(options.series.slice(1).map((line) => line.label)).toEqual(["battery", "temp"]);
    expect(options.axes?.slice(1).map((axis) => axis.label)).toEqual(["battery", "temp"]);
    expect(data).toHaveLength(3);
    fireEvent.click(screen.getByRole("checkbox", { name: "battery" }));
    fireEvent.click(screen.getByRole("checkbox", { name: "temp" }));
    expect(await screen.findByText("Pick a field to chart.")).toBeTruthy();
    expect(screen.queryByRole("img")).toBeNull();
  });

  it("draws its lines in the theme's chart colours, and again in the other theme's when it changes", async () => {
    // ui.css is not loaded here: a sheet with a theme's first two line colours (made up) stands in for
    // it, set on the chart's own element and swapped with the theme (happy-dom neither inherits custom
    // properties nor restyles an element when an ancestor's attribute changes).
    const sheet = document.createElement("style");
    const lines = (first: string, second: string) =>
      `[role="img"] { --cfx-color-chart-1: ${first}; --cfx-color-chart-2: ${second}; }`;
    sheet.textContent = lines("#102030", "#203040");
    document.head.append(sheet);
    chooseTheme("light");
    drawn.length = 0;
    render(<DataChart entries={entries} />);
    await waitFor(() => expect(drawn).toHaveLength(1));
    const strokes = (index: number) => drawn[index]?.options.series.slice(1, 3).map((line) => line.stroke);
    expect(strokes(0)).toEqual(["#102030", "#203040"]);

    sheet.textContent = lines("#d0e0f0", "#c0d0e0");
    act(() => chooseTheme("dark"));
    await waitFor(() => expect(drawn).toHaveLength(2));
    expect(strokes(1)).toEqual(["#d0e0f0", "#c0d0e0"]);
    chooseTheme("system");
    sheet.remove();
  });
});
