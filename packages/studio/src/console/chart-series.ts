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
