/** `Retry-After` in seconds or as an HTTP date, or OpenAI's `retry-after-ms`; at most 5 minutes. */
export function parseRetryAfter(
  headers: Record<string, string> | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const milliseconds = Number(headers["retry-after-ms"]);
  if (headers["retry-after-ms"] && Number.isFinite(milliseconds))
    return Math.min(Math.max(milliseconds, 0), 300_000);
  const value = headers["retry-after"];
  if (!value) return undefined;
  const seconds = Number(value);
  const delay = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(delay) ? Math.min(Math.max(delay, 0), 300_000) : undefined;
}
