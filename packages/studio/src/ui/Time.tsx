/** A moment (Unix ms) in the reader's locale and time zone, machine-readable in `dateTime`. */
export function Time({ ms }: { ms: number }) {
  const date = new Date(ms);
  const valid = Number.isFinite(date.getTime());
  return <time dateTime={valid ? date.toISOString() : undefined}>{date.toLocaleString()}</time>;
}
