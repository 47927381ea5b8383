import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { type ChartColor, chartColors } from "../ui/chart-colors.ts";
import { useTheme } from "../ui/theme.ts";

export interface BarChartProps {
  /** What the bars count, for the legend and the chart's accessible name. */
  title: string;
  /** One label per bar, under it. */
  labels: string[];
  values: number[];
  /** The theme's colour for the bars. */
  color?: ChartColor;
}

/** A label that fits under its bar; the page's table has it whole. */
function shortened(label: string): string {
  return label.length > 16 ? `${label.slice(0, 15)}…` : label;
}

/** Whether this browser can draw on a canvas (a DOM without one, like the unit tests', cannot). */
function canDraw(): boolean {
  return document.createElement("canvas").getContext("2d") !== null;
}

/**
 * One bar per label, drawn by uPlot like the device charts. The numbers are also on the page in a
 * table, so the chart is a picture of them, not their only place.
 */
export function BarChart({ title, labels, values, color = "primary" }: BarChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const theme = useTheme();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the colours come from the theme's CSS, so a new theme draws again
  useEffect(() => {
    const element = container.current;
    if (!element || labels.length === 0 || !canDraw()) return;
    const colors = chartColors(element, color);
    const axis = { stroke: colors.text, grid: { stroke: colors.grid }, ticks: { stroke: colors.grid } };
    const positions = labels.map((_, index) => index);
    const long = labels.some((label) => label.length > 6);
    const chart = new uPlot(
      {
        width: Math.max(320, element.clientWidth || 720),
        height: 240,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          x: { time: false, range: [-0.5, labels.length - 0.5] },
          y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
        },
        series: [
          {},
          {
            label: title,
            fill: colors.series,
            stroke: colors.series,
            paths: uPlot.paths.bars?.({ size: [0.7, 48] }),
          },
        ],
        axes: [
          {
            ...axis,
            splits: () => positions,
            values: (_u, splits) => splits.map((split) => shortened(labels[split] ?? "")),
            // Long labels (operator ids) slant so that neighbours do not overlap.
            rotate: long ? -30 : 0,
            size: long ? 80 : 40,
          },
          axis,
        ],
      },
      [positions, values],
      element,
    );
    return () => chart.destroy();
  }, [title, labels, values, color, theme]);
  return (
    <figure className="cfx-chart">
      <figcaption>{title}</figcaption>
      <div ref={container} role="img" aria-label={`Bar chart: ${title}`} />
    </figure>
  );
}
