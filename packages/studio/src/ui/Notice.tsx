import type { ReactNode } from "react";

/** A plain note about what a page shows (not an error): an older app version, a fallback, with an action. */
export function Notice({
  children,
  tone = "info",
  action,
}: {
  children: ReactNode;
  tone?: "info" | "warning" | "critical";
  action?: ReactNode;
}) {
  return (
    <div className={`cfx-notice cfx-notice--${tone}`} role="status">
      <div className="cfx-notice__text">{children}</div>
      {action}
    </div>
  );
}
