// Charts draw on a canvas, which CSS variables do not reach: their colours are read from the theme's
// tokens when a chart is drawn, and the chart is drawn again when the theme changes (useTheme).

/** The colour tokens a chart may use for a series. */
export type ChartColor = "primary" | "success" | "warning" | "danger";

/** Axis labels and ticks (`text`), and the grid. */
export interface AxisColors {
  text: string;
  grid: string;
}

export interface ChartColors extends AxisColors {
  series: string;
}

/** How many line colours the theme has (--cfx-color-chart-1 and on); more lines take them again. */
const lineColorCount = 8;

function token(element: Element, name: string): string {
  return getComputedStyle(element).getPropertyValue(`--cfx-color-${name}`).trim();
}

function axisColors(element: Element): AxisColors {
  return { text: token(element, "text-muted"), grid: token(element, "border") };
}

export function chartColors(element: Element, series: ChartColor): ChartColors {
  return { series: token(element, series), ...axisColors(element) };
}

/** A chart of several lines: the theme's line colours, for one line each in turn. */
export function lineChartColors(element: Element): AxisColors & { lines: string[] } {
  return {
    lines: Array.from({ length: lineColorCount }, (_, index) => token(element, `chart-${index + 1}`)),
    ...axisColors(element),
  };
}
