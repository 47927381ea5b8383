import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { AlignedData, Options } from "uplot";
import { describe, expect, it, vi } from "vitest";
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
});
