import { useState } from "react";

/**
 * Back and forth through a list the API pages by `nextCursor`: the cursor of each page shown so far is
 * kept, so "newer" goes back to the page before without the server having to page backwards.
 */
export function useCursorPages() {
  // The cursor each later page was asked with; the first page has none.
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    /** The cursor of the page to show; undefined on the first. */
    cursor: cursors.at(-1),
    onFirstPage: cursors.length === 0,
    /** On to the page after the one shown, with the `nextCursor` it came with. */
    older: (nextCursor: string) => setCursors((current) => [...current, nextCursor]),
    newer: () => setCursors((current) => current.slice(0, -1)),
    /** Back to the first page (new filters, a replay). */
    reset: () => setCursors([]),
  };
}
