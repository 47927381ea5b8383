import type { ReactNode } from "react";

/**
 * A badge that follows other text in one cell: screen readers and text queries read "Version 3, current",
 * not "Version 3current", because the badge's separation is only visual.
 */
export function TrailingBadge({ tone, children }: { tone?: "warning"; children: ReactNode }) {
  return (
    <>
      <span className="cfx-visually-hidden">, </span>
      <span className={tone ? `cfx-badge cfx-badge--${tone}` : "cfx-badge"}>{children}</span>
    </>
  );
}
