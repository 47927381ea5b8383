/** A `datetime-local` field's value (the admin's own time zone) as the ISO time the API takes; "" → undefined. */
export function isoOfLocalTime(value: string): string | undefined {
  if (!value) return undefined;
  const time = new Date(value);
  return Number.isFinite(time.getTime()) ? time.toISOString() : undefined;
}
