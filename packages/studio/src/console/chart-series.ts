import type { DataEntry } from "./console-api.ts";

/** uPlot's columnar data: times in seconds, then one column per numeric field (null where absent). */
export interface ChartSeries {
  fields: string[];
  columns: [number[], ...Array<Array<number | null>>];
}

/**
 * One line per top-level numeric field of the entries' JSON, oldest first. Entries that are not JSON
 * objects, and fields that are never numbers, draw nothing.
 */
export function toChartSeries(entries: DataEntry[]): ChartSeries {
  const ordered = [...entries].sort((a, b) => a.time - b.time);
  const objects = ordered.map((entry) =>
    entry.content && typeof entry.content === "object" && !Array.isArray(entry.content)
      ? (entry.content as Record<string, unknown>)
      : {},
  );
  const fields = [
    ...new Set(
      objects.flatMap((object) => Object.keys(object).filter((key) => typeof object[key] === "number")),
    ),
  ].sort();
  const columns: ChartSeries["columns"] = [
    ordered.map((entry) => entry.time / 1000),
    ...fields.map((field) =>
      objects.map((object) => (typeof object[field] === "number" ? (object[field] as number) : null)),
    ),
  ];
  return { fields, columns };
}

/** Fields drawn against one y axis (a uPlot scale). */
export interface AxisGroup {
  scale: string;
  fields: string[];
}

/**
 * The power of ten a field's values stay within: 0 for values up to 1 (a battery level, a flag), 2 for
 * up to 100 (a percentage, a temperature), 4 for up to 10,000 (a counter).
 */
export function magnitudeOf(values: ReadonlyArray<number | null>): number {
  let largest = 0;
  for (const value of values) if (value !== null) largest = Math.max(largest, Math.abs(value));
  // The small allowance keeps 100 at 2 despite floating point.
  return largest <= 1 ? 0 : Math.ceil(Math.log10(largest) - 1e-9);
}

/** Only these fields of the series, in its order (the field picker's choice). */
export function selectFields(series: ChartSeries, fields: ReadonlySet<string>): ChartSeries {
  const [times, ...columns] = series.columns;
  const kept = series.fields.flatMap((field, index) => (fields.has(field) ? [{ field, index }] : []));
  return {
    fields: kept.map(({ field }) => field),
    columns: [times, ...kept.map(({ index }) => columns[index] ?? [])],
  };
}

/**
 * One axis per magnitude, so a 0–1 battery is not a flat line under a counter in the thousands: fields
 * of the same power of ten share an axis. Axes are in the order of their first field.
 */
export function axisGroups(series: ChartSeries): AxisGroup[] {
  const groups = new Map<number, AxisGroup>();
  series.fields.forEach((field, index) => {
    const magnitude = magnitudeOf(series.columns[index + 1] ?? []);
    const group = groups.get(magnitude);
    if (group) group.fields.push(field);
    else groups.set(magnitude, { scale: `y${magnitude}`, fields: [field] });
  });
  return [...groups.values()];
}

/** What uPlot needs for these axes: a series per field on its group's scale, the axes alternating sides. */
export interface AxisLayout {
  series: Array<{ label: string; scale: string; stroke: string }>;
  axes: Array<{ scale: string; label: string; side: 1 | 3 }>;
}

export function axisLayout(series: ChartSeries, palette: readonly string[]): AxisLayout {
  const groups = axisGroups(series);
  const scaleOf = new Map(groups.flatMap((group) => group.fields.map((field) => [field, group.scale])));
  return {
    series: series.fields.map((field, index) => ({
      label: field,
      scale: scaleOf.get(field) ?? "y",
      stroke: palette[index % palette.length] ?? "currentColor",
    })),
    // uPlot's sides: 3 is left, 1 is right.
    axes: groups.map((group, index) => ({
      scale: group.scale,
      label: group.fields.join(", "),
      side: index % 2 === 0 ? 3 : 1,
    })),
  };
}
