// Charts draw on a canvas, which CSS variables do not reach: their colours are read from the theme's
// tokens when a chart is drawn, and the chart is drawn again when the theme changes (useTheme).

/** The colour tokens a chart may use for a series. */
export type ChartColor = "primary" | "success" | "warning" | "danger";

export interface ChartColors {
  series: string;
  /** Axis labels and ticks. */
  text: string;
  grid: string;
}

function token(element: Element, name: string): string {
  return getComputedStyle(element).getPropertyValue(`--cfx-color-${name}`).trim();
}

export function chartColors(element: Element, series: ChartColor): ChartColors {
  return {
    series: token(element, series),
    text: token(element, "text-muted"),
    grid: token(element, "border"),
  };
}
