import { useEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { toChartSeries } from "./chart-series.ts";
import type { DataEntry } from "./console-api.ts";

const palette = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

/** A device's recent data: time on x, one line per numeric field. */
export function DataChart({ entries }: { entries: DataEntry[] }) {
  const container = useRef<HTMLDivElement>(null);
  const series = useMemo(() => toChartSeries(entries), [entries]);

  useEffect(() => {
    const element = container.current;
    if (!element || series.fields.length === 0) return;
    const chart = new uPlot(
      {
        width: Math.max(320, element.clientWidth || 720),
        height: 280,
        series: [
          {},
          ...series.fields.map((field, index) => ({
            label: field,
            stroke: palette[index % palette.length],
            width: 2,
          })),
        ],
        axes: [{}, {}],
      },
      series.columns,
      element,
    );
    // Rebuilt when the entries change; uPlot draws a page of entries faster than a frame.
    return () => chart.destroy();
  }, [series]);

  if (series.fields.length === 0)
    return <p className="cfx-muted">No numeric fields to chart in these entries.</p>;
  return <div ref={container} role="img" aria-label={`Chart of ${series.fields.join(", ")} over time`} />;
}
