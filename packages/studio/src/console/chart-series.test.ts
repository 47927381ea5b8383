import { describe, expect, it } from "vitest";
import { axisGroups, axisLayout, magnitudeOf, selectFields, toChartSeries } from "./chart-series.ts";

describe("chart series from data entries", () => {
  it("draws one line per numeric field, oldest first, with gaps where a field is missing", () => {
    const series = toChartSeries([
      { time: 3_000, contentType: "application/json", content: { temp: 5, hum: 40, label: "x" } },
      { time: 1_000, contentType: "application/json", content: { temp: 4 } },
      { time: 2_000, contentType: "application/json", content: [1, 2] },
    ]);
    expect(series.fields).toEqual(["hum", "temp"]);
    expect(series.columns).toEqual([
      [1, 2, 3],
      [null, null, 40],
      [4, null, 5],
    ]);
  });

  it("has no lines for entries without numbers", () => {
    expect(toChartSeries([{ time: 1, contentType: "text/plain", content: "hello" }]).fields).toEqual([]);
  });
});

describe("y axes by magnitude", () => {
  const reading = (time: number, content: Record<string, number>) => ({
    time,
    contentType: "application/json",
    content,
  });
  const series = toChartSeries([
    reading(1_000, { battery: 0.97, seq: 1_200, temp: 4.5, humidity: 41 }),
    reading(2_000, { battery: 0.96, seq: 4_800, temp: 21.5, humidity: 80 }),
  ]);

  it("puts a field up to 1, up to 100 and in the thousands on different powers of ten", () => {
    expect(magnitudeOf([0.2, null, 1])).toBe(0);
    expect(magnitudeOf([-0.5, 0])).toBe(0);
    expect(magnitudeOf([0, 0])).toBe(0);
    expect(magnitudeOf([4.5, 21.5])).toBe(2);
    expect(magnitudeOf([100])).toBe(2);
    expect(magnitudeOf([-250])).toBe(3);
    expect(magnitudeOf([1_200, 4_800])).toBe(4);
  });

  it("gives a 0–1 battery its own axis next to a counter, and lets fields of one magnitude share one", () => {
    expect(series.fields).toEqual(["battery", "humidity", "seq", "temp"]);
    expect(axisGroups(series)).toEqual([
      { scale: "y0", fields: ["battery"] },
      { scale: "y2", fields: ["humidity", "temp"] },
      { scale: "y4", fields: ["seq"] },
    ]);
  });

  it("lays each line on its group's scale and alternates the axes left and right", () => {
    const layout = axisLayout(series, ["red", "blue", "green"]);
    expect(layout.series).toEqual([
      { label: "battery", scale: "y0", stroke: "red" },
      { label: "humidity", scale: "y2", stroke: "blue" },
      { label: "seq", scale: "y4", stroke: "green" },
      { label: "temp", scale: "y2", stroke: "red" },
    ]);
    expect(layout.axes).toEqual([
      { scale: "y0", label: "battery", side: 3 },
      { scale: "y2", label: "humidity, temp", side: 1 },
      { scale: "y4", label: "seq", side: 3 },
    ]);
  });

  it("keeps the picked fields with their columns, and regroups the axes on what is left", () => {
    const picked = selectFields(series, new Set(["temp", "battery"]));
    expect(picked.fields).toEqual(["battery", "temp"]);
    expect(picked.columns).toEqual([
      [1, 2],
      [0.97, 0.96],
      [4.5, 21.5],
    ]);
    expect(axisGroups(picked).map((group) => group.fields)).toEqual([["battery"], ["temp"]]);
  });
});
