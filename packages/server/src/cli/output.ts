export const outputFormats = ["table", "json", "yaml"] as const;
export type OutputFormat = (typeof outputFormats)[number];

/** A column of a table: its header and how a row shows in it. */
export interface Column<Row> {
  header: string;
  value: (row: Row) => unknown;
}

/** Longest cell before it is cut with "…", so one long name does not push the others off screen. */
const maxCellWidth = 48;

function cell(value: unknown): string {
  const text =
    value === undefined || value === null
      ? ""
      : typeof value === "object"
        ? JSON.stringify(value)
        : String(value);
  const line = text.replace(/\s+/g, " ");
  return line.length > maxCellWidth ? `${line.slice(0, maxCellWidth - 1)}…` : line;
}

/** Rows as aligned columns under a header line; "(none)" when there are no rows. */
export function table<Row>(rows: Row[], columns: Column<Row>[]): string {
  if (rows.length === 0) return "(none)\n";
  const cells = [
    columns.map((column) => column.header),
    ...rows.map((row) => columns.map((c) => cell(c.value(row)))),
  ];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => line[index]?.length ?? 0)));
  return cells
    .map((line) =>
      line
        .map((text, index) => text.padEnd(widths[index] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")
    .concat("\n");
}

/** One object as "key  value" lines: the fields worth reading, in the order given. */
export function fields(value: Record<string, unknown>, keys = Object.keys(value)): string {
  return table(
    keys.filter((key) => value[key] !== undefined).map((key) => ({ key, value: value[key] })),
    [
      { header: "FIELD", value: (row) => row.key },
      { header: "VALUE", value: (row) => row.value },
    ],
  );
}

/** `value` as the format asks: JSON and YAML whole, a table as `asTable` draws it. */
export async function render(value: unknown, format: OutputFormat, asTable: () => string): Promise<string> {
  if (format === "json") return `${JSON.stringify(value, null, 2)}\n`;
  // Loaded only when asked for: it would add a good part of every call's start-up time.
  if (format === "yaml") return (await import("yaml")).stringify(value);
  return asTable();
}
