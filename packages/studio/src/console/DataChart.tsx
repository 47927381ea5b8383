import { useEffect, useMemo, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import "./console.css";
import { lineChartColors } from "../ui/chart-colors.ts";
import { useTheme } from "../ui/theme.ts";
import { axisLayout, selectFields, toChartSeries } from "./chart-series.ts";
import type { DataEntry } from "./console-api.ts";

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

  const theme = useTheme();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the colours come from the theme's CSS, so a new theme draws again
  useEffect(() => {
    const element = container.current;
    if (!element || series.fields.length === 0) return;
    const { lines, text, grid } = lineChartColors(element);
    const layout = axisLayout(series, lines);
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
    // Rebuilt when the entries, the picked fields or the theme change; uPlot draws a page of entries
    // faster than a frame.
    return () => chart.destroy();
  }, [series, theme]);

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
