import { useEffect, useMemo, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import "./console.css";
import { axisLayout, selectFields, toChartSeries } from "./chart-series.ts";
import type { DataEntry } from "./console-api.ts";

// Canvas strokes cannot read CSS variables; these read on light and dark backgrounds alike.
const palette = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#6b7280"];

/**
 * A device's recent data: time on x, one line per numeric field, one y axis per magnitude (a 0–1 battery
 * gets its own next to a counter), and a picker to hide fields.
 */
export function DataChart({ entries }: { entries: DataEntry[] }) {
  const container = useRef<HTMLDivElement>(null);
  const all = useMemo(() => toChartSeries(entries), [entries]);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const series = useMemo(
    () => selectFields(all, new Set(all.fields.filter((field) => !hidden.has(field)))),
    [all, hidden],
  );

  useEffect(() => {
    const element = container.current;
    if (!element || series.fields.length === 0) return;
    const layout = axisLayout(series, palette);
    // Axis text and grid follow the theme (ui.css's variables), read when the chart is drawn.
    const style = getComputedStyle(element);
    const text = style.getPropertyValue("--cfx-color-text-muted").trim() || "#5a6372";
    const grid = style.getPropertyValue("--cfx-color-border").trim() || "#d5d9e0";
    const chart = new uPlot(
      {
        width: Math.max(320, element.clientWidth || 720),
        height: 280,
        series: [{}, ...layout.series.map((line) => ({ ...line, width: 2 }))],
        scales: Object.fromEntries(layout.axes.map((axis) => [axis.scale, { auto: true }])),
        axes: [
          { stroke: text, grid: { stroke: grid } },
          ...layout.axes.map((axis, index) => ({
            ...axis,
            stroke: text,
            // The first axis draws the grid; more grids would cross it at other steps.
            grid: { show: index === 0, stroke: grid },
          })),
        ],
      },
      series.columns,
      element,
    );
    // Rebuilt when the entries or the picked fields change; uPlot draws a page of entries faster than a frame.
    return () => chart.destroy();
  }, [series]);

  if (all.fields.length === 0)
    return <p className="cfx-muted">No numeric fields to chart in these entries.</p>;
  return (
    <div className="cfx-stack">
      {all.fields.length > 1 ? (
        <fieldset className="cfx-field-picker">
          <legend className="cfx-muted">Fields</legend>
          {all.fields.map((field) => (
            <label key={field} className="cfx-row">
              <input
                type="checkbox"
                checked={!hidden.has(field)}
                onChange={(event) => {
                  const next = new Set(hidden);
                  if (event.target.checked) next.delete(field);
                  else next.add(field);
                  setHidden(next);
                }}
              />
              <span className="cfx-mono">{field}</span>
            </label>
          ))}
        </fieldset>
      ) : null}
      {series.fields.length === 0 ? (
        <p className="cfx-muted">Pick a field to chart.</p>
      ) : (
        <div ref={container} role="img" aria-label={`Chart of ${series.fields.join(", ")} over time`} />
      )}
    </div>
  );
}
