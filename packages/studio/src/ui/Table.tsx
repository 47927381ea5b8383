import { type ReactNode, useLayoutEffect, useRef } from "react";

export interface Column<Row> {
  header: string;
  cell(row: Row): ReactNode;
  /** Hidden header text, for a column of buttons. */
  visuallyHiddenHeader?: boolean;
}

export interface TableProps<Row> {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
  /** Unique among the rows; rows without an id of their own can use their position. */
  rowKey(row: Row, index: number): string;
  empty: ReactNode;
}

/** A data table with a caption for screen readers and a message in place of no rows. */
export function Table<Row>({ caption, columns, rows, rowKey, empty }: TableProps<Row>) {
  const table = useRef<HTMLTableElement>(null);
  // When the row holding the focus goes (its item was deleted), the browser drops the focus to <body>
  // and a keyboard user starts over at the top of the page; the table takes it instead.
  const focused = useRef<Element | null>(null);
  useLayoutEffect(() => {
    if (focused.current && !focused.current.isConnected && document.activeElement === document.body) {
      focused.current = null;
      table.current?.focus();
    }
  });
  return (
    <div className="cfx-table-wrap">
      <table
        ref={table}
        className="cfx-table"
        tabIndex={-1}
        onFocus={(event) => {
          focused.current = event.target;
        }}
        onBlur={(event) => {
          if (event.relatedTarget) focused.current = null;
        }}
      >
        <caption className="cfx-visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col">
                {column.visuallyHiddenHeader ? (
                  <span className="cfx-visually-hidden">{column.header}</span>
                ) : (
                  column.header
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td className="cfx-table__empty" colSpan={columns.length}>
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row, index) => (
              <tr key={rowKey(row, index)}>
                {columns.map((column) => (
                  <td key={column.header}>{column.cell(row)}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`cfx-badge cfx-badge--${status}`}>{status}</span>;
}
