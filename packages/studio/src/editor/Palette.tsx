import { PanelLeftClose, PanelLeftOpen, Search } from "lucide-react";
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from "react";
import { Button } from "../ui/Button.tsx";
import { NodeIcon } from "./node-icons.tsx";
import { type PaletteItem, paletteActionDragType, paletteDragType } from "./palette.ts";
import { filterPalette, type PaletteEntry, paletteKey } from "./palette-catalog.ts";

export interface PaletteInsert {
  /** What the connection joins, for the banner: "Channel Alerts → Action Notify (webhook)". */
  label: string;
  fits(item: PaletteItem): boolean;
}

export interface PaletteProps {
  onAdd(item: PaletteItem): void;
  /** Set while a step is being inserted on a connection: only what fits there is listed. */
  insert?: PaletteInsert | undefined;
  onCancelInsert(): void;
  /**
   * Whether it starts open. An app that already has nodes opens with the palette folded, as n8n's
   * editor does, so its canvas gets the room; "/" or the button unfolds it.
   */
  startOpen?: boolean;
}

/** Whether a key press belongs to something the person is typing in (then "/" is a character, not a shortcut). */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/**
 * The palette: every event source, the channel and every action in categories, with a search that
 * filters as you type. Arrows move through what is shown and Enter adds it (after the selected node,
 * or on the connection being inserted at); a click adds too; dragging places it on the canvas or on
 * a connection. "/" anywhere outside a text field jumps to the search.
 */
export function Palette({ onAdd, insert, onCancelInsert, startOpen = true }: PaletteProps) {
  const [open, setOpen] = useState(startOpen);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const search = useRef<HTMLInputElement>(null);
  const ids = useId();
  const groups = useMemo(() => filterPalette(query, insert?.fits), [query, insert]);
  const shown = groups.flatMap((group) => group.entries);
  const activeEntry = shown[Math.min(active, shown.length - 1)];
  const optionId = (entry: PaletteEntry) => `${ids}-${paletteKey(entry.item)}`;

  // Inserting opens the palette on its search, so the next keys type the filter.
  useEffect(() => {
    if (!insert) return;
    setOpen(true);
    setQuery("");
    setActive(0);
    requestAnimationFrame(() => search.current?.focus());
  }, [insert]);

  useEffect(() => {
    const listener = (event: globalThis.KeyboardEvent) => {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target))
        return;
      event.preventDefault();
      setOpen(true);
      requestAnimationFrame(() => search.current?.focus());
    };
    document.addEventListener("keydown", listener);
    return () => document.removeEventListener("keydown", listener);
  }, []);

  // Keeps the entry the arrows moved to in view; only while the search has the keys, so that the
  // palette never scrolls the page under something else the person is looking at.
  const activeOptionId = activeEntry ? optionId(activeEntry) : undefined;
  useEffect(() => {
    if (activeOptionId && document.activeElement === search.current)
      document.getElementById(activeOptionId)?.scrollIntoView?.({ block: "nearest" });
  }, [activeOptionId]);

  const add = (entry: PaletteEntry) => {
    onAdd(entry.item);
    setQuery("");
    setActive(0);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const count = shown.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (count)
        setActive((Math.min(active, count - 1) + (event.key === "ArrowDown" ? 1 : count - 1)) % count);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (activeEntry) add(activeEntry);
    } else if (event.key === "Escape") {
      if (insert) onCancelInsert();
      else if (query) setQuery("");
      else return;
      event.preventDefault();
      event.stopPropagation();
    }
  };

  if (!open)
    return (
      <div className="cfx-palette cfx-palette--closed">
        <Button size="small" variant="ghost" onClick={() => setOpen(true)} title="Show the palette (/)">
          <PanelLeftOpen size={18} aria-hidden="true" />
          <span className="cfx-visually-hidden">Show palette</span>
        </Button>
      </div>
    );

  return (
    <section className="cfx-palette" aria-label="Palette">
      <div className="cfx-palette__head">
        <label className="cfx-palette__search">
          <Search size={16} aria-hidden="true" />
          <span className="cfx-visually-hidden">Search the palette</span>
          <input
            ref={search}
            className="cfx-input"
            type="search"
            placeholder="Search ( / )"
            role="combobox"
            aria-expanded="true"
            aria-controls={`${ids}-list`}
            aria-autocomplete="list"
            aria-activedescendant={activeEntry ? optionId(activeEntry) : undefined}
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
              setActive(0);
            }}
            onKeyDown={onKeyDown}
          />
        </label>
        <Button size="small" variant="ghost" onClick={() => setOpen(false)} title="Hide the palette">
          <PanelLeftClose size={18} aria-hidden="true" />
          <span className="cfx-visually-hidden">Hide palette</span>
        </Button>
      </div>
      {insert ? (
        <div className="cfx-palette__insert" role="status">
          <span>
            Insert a step on <strong>{insert.label}</strong>
          </span>
          <Button size="small" variant="ghost" onClick={onCancelInsert}>
            Cancel
          </Button>
        </div>
      ) : null}
      <div className="cfx-palette__list" id={`${ids}-list`} role="listbox" aria-label="Nodes to add">
        {groups.map((group) => (
          // biome-ignore lint/a11y/useSemanticElements: a listbox's groups are role=group; a fieldset does not belong in a listbox
          <div key={group.category} role="group" aria-labelledby={`${ids}-${group.category}`}>
            <h3 className="cfx-palette__category" id={`${ids}-${group.category}`}>
              {group.category}
            </h3>
            {group.entries.map((entry) => (
              <PaletteOption
                key={paletteKey(entry.item)}
                id={optionId(entry)}
                entry={entry}
                active={entry === activeEntry}
                onAdd={() => add(entry)}
              />
            ))}
          </div>
        ))}
        {shown.length ? null : <p className="cfx-palette__none">Nothing matches “{query}”.</p>}
      </div>
      <p className="cfx-palette__hint">
        {insert
          ? "Click or press Enter to insert."
          : "Drag onto the canvas or a connection, or click to add after the selected node."}
      </p>
    </section>
  );
}

function PaletteOption({
  id,
  entry,
  active,
  onAdd,
}: {
  id: string;
  entry: PaletteEntry;
  active: boolean;
  onAdd(): void;
}) {
  const { item } = entry;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/useFocusableInteractive: the search box keeps the focus and takes the keys; aria-activedescendant points at the active option
    <div
      id={id}
      role="option"
      aria-selected={active}
      aria-describedby={`${id}-description`}
      className={`cfx-palette__item${active ? " is-active" : ""}`}
      draggable
      onDragStart={(event) => {
        event.dataTransfer.setData(paletteDragType, JSON.stringify(item));
        if (item.kind === "action") event.dataTransfer.setData(paletteActionDragType, "");
        event.dataTransfer.effectAllowed = "copy";
      }}
      onClick={onAdd}
    >
      <span className={`cfx-palette__icon cfx-palette__icon--${item.kind}`}>
        <NodeIcon kind={item.kind} {...(item.kind === "channel" ? {} : { type: item.type })} />
      </span>
      <span className="cfx-palette__text">
        <span className="cfx-palette__title">{entry.title}</span>
        {/* described, not named, by this: the option's name is its title */}
        <span className="cfx-palette__description" id={`${id}-description`} aria-hidden="true">
          {entry.description}
        </span>
      </span>
    </div>
  );
}
