import { ApiError, describeError } from "../api/client.ts";
import { Button } from "./Button.tsx";

/** Each distinct detail once (a line is also its list key). */
function detailLines(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  const lines = error.details.map((detail) =>
    detail.path ? `${detail.path}: ${detail.message}` : detail.message,
  );
  return [...new Set(lines)].slice(0, 10);
}

/** An error where it happened: the server's message and code, its details, and a way to retry. */
export function ErrorBanner({
  error,
  onRetry,
  onDismiss,
}: {
  error: unknown;
  onRetry?: () => void;
  onDismiss?: () => void;
}) {
  const lines = detailLines(error);
  return (
    <div className="cfx-banner" role="alert">
      <div className="cfx-banner__text">
        <div>{describeError(error)}</div>
        {error instanceof ApiError ? (
          <div className="cfx-banner__code">
            {error.code}
            {error.status ? ` (HTTP ${error.status})` : ""}
          </div>
        ) : null}
        {lines.length > 1 ? (
          <ul className="cfx-banner__details">
            {lines.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        ) : null}
      </div>
      {onRetry ? (
        <Button size="small" onClick={onRetry}>
          Retry
        </Button>
      ) : null}
      {onDismiss ? (
        <Button size="small" variant="ghost" onClick={onDismiss} aria-label="Dismiss error">
          ✕
        </Button>
      ) : null}
    </div>
  );
}
