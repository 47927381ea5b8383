import { type ReactNode, useEffect } from "react";

/** Title, toolbar and body of a page; `full` pages (the editor) use the whole area below the header. */
export function Page({
  title,
  toolbar,
  children,
  full,
  tabTitle,
}: {
  title: ReactNode;
  toolbar?: ReactNode;
  children: ReactNode;
  full?: boolean;
  /** The tab's title, for a `title` that is not plain text. */
  tabTitle?: string;
}) {
  // The tab's title names the page, for the tab strip, history and screen readers.
  const tab = tabTitle ?? (typeof title === "string" ? title : undefined);
  useEffect(() => {
    if (tab) document.title = `${tab} · Conflux`;
  }, [tab]);
  return (
    <div className={full ? "cfx-page cfx-page--full" : "cfx-page"}>
      <div className="cfx-page__header">
        <h1 className="cfx-page__title">{title}</h1>
        {toolbar ? <div className="cfx-page__toolbar">{toolbar}</div> : null}
      </div>
      <div className="cfx-page__body">{children}</div>
    </div>
  );
}
