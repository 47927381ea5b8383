import { describe, expect, it } from "vitest";
import { toChartSeries } from "./chart-series.ts";

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
