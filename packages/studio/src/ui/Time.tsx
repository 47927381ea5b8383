/** A moment (Unix ms) in the reader's locale and time zone, machine-readable in `dateTime`. */
export function Time({ ms }: { ms: number }) {
  const date = new Date(ms);
  const valid = Number.isFinite(date.getTime());
  return <time dateTime={valid ? date.toISOString() : undefined}>{date.toLocaleString()}</time>;
}

/** A moment the API gives as an ISO time (outages), in the reader's locale. */
export function IsoTime({ value }: { value: string }) {
  return <Time ms={Date.parse(value)} />;
}

/** A moment the API gives in whole UNIX seconds (the `…DateTime` fields of accounts and the service). */
export function SecondsTime({ value }: { value: number }) {
  return <Time ms={value * 1000} />;
}
