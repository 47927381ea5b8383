import { type KeyboardEvent, type ReactNode, useId, useRef } from "react";
import { type InspectorTab, tabLabels } from "./inspector-tabs.ts";

export interface InspectorTabsProps {
  /** What the tabs are of, for the tablist's name (e.g. "Action Notify"). */
  label: string;
  tabs: readonly InspectorTab[];
  active: InspectorTab;
  problemCounts: ReadonlyMap<InspectorTab, number>;
  onChange(tab: InspectorTab): void;
  /** The active tab's content; the others are not rendered. */
  children: ReactNode;
}

const problemWord = (count: number) => (count === 1 ? "1 problem" : `${count} problems`);

/**
 * The WAI-ARIA tabs pattern with automatic activation: one tab stop, arrows move and show, Home and
 * End go to the ends. A tab with problems shows their count, so a problem on a hidden tab is not missed.
 * A single tab (read-only channels and sources) is just its content.
 */
export function InspectorTabs({
  label,
  tabs,
  active,
  problemCounts,
  onChange,
  children,
}: InspectorTabsProps) {
  const id = useId();
  const list = useRef<HTMLDivElement>(null);
  if (tabs.length === 1) return <div className="cfx-inspector-tabs__panel">{children}</div>;
  const move = (event: KeyboardEvent) => {
    const index = tabs.indexOf(active);
    const next =
      event.key === "ArrowRight"
        ? (index + 1) % tabs.length
        : event.key === "ArrowLeft"
          ? (index - 1 + tabs.length) % tabs.length
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? tabs.length - 1
              : undefined;
    const tab = next === undefined ? undefined : tabs[next];
    if (!tab) return;
    event.preventDefault();
    onChange(tab);
    list.current?.querySelector<HTMLElement>(`[data-tab="${tab}"]`)?.focus();
  };
  return (
    <div className="cfx-inspector-tabs">
      <div role="tablist" aria-label={label} className="cfx-inspector-tabs__list" ref={list} onKeyDown={move}>
        {tabs.map((tab) => {
          const count = problemCounts.get(tab) ?? 0;
          const selected = tab === active;
          return (
            <button
              key={tab}
              type="button"
              role="tab"
              id={`${id}-${tab}`}
              data-tab={tab}
              aria-selected={selected}
              aria-controls={selected ? `${id}-panel` : undefined}
              tabIndex={selected ? 0 : -1}
              className="cfx-inspector-tabs__tab"
              onClick={() => onChange(tab)}
            >
              {tabLabels[tab]}
              {count ? (
                <>
                  <span className="cfx-inspector-tabs__count" aria-hidden="true">
                    {count}
                  </span>
                  <span className="cfx-visually-hidden">, {problemWord(count)}</span>
                </>
              ) : null}
            </button>
          );
        })}
      </div>
      <div
        role="tabpanel"
        id={`${id}-panel`}
        aria-labelledby={`${id}-${active}`}
        className="cfx-inspector-tabs__panel"
      >
        {children}
      </div>
    </div>
  );
}
