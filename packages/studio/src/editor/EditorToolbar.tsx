import type { ActionType, EventSourceType } from "@conflux/core";
import { isRunnableActionType } from "@conflux/core";
import { type ReactNode, useState } from "react";
import { Button } from "../ui/Button.tsx";
import { actionTypes, eventSourceTypes } from "./app-edits.ts";
import { paletteDragType } from "./Canvas.tsx";
import type { PaletteItem } from "./palette.ts";

export interface EditorToolbarProps {
  onAdd(item: PaletteItem): void;
  canUndo: boolean;
  canRedo: boolean;
  onUndo(): void;
  onRedo(): void;
  onTidy(): void;
  canDelete: boolean;
  onDelete(): void;
  problemCount: number;
  dirty: boolean;
  saving: boolean;
  saveMessage?: { ok: boolean; text: string };
  onSave(): void;
}

/** The palette, undo/redo, and Save with the app's state (problems, unsaved changes, outcome of the last save). */
export function EditorToolbar(props: EditorToolbarProps) {
  const [sourceType, setSourceType] = useState<EventSourceType>("api");
  const [actionType, setActionType] = useState<ActionType>("webhook");
  const { saveMessage } = props;
  return (
    <div className="cfx-editor__toolbar" role="toolbar" aria-label="App editor">
      <fieldset className="cfx-editor__palette">
        <legend className="cfx-visually-hidden">Palette</legend>
        <label className="cfx-editor__inline">
          <span>New event source type</span>
          <select
            className="cfx-select"
            value={sourceType}
            onChange={(event) => setSourceType(event.target.value as EventSourceType)}
          >
            {eventSourceTypes.map((type) => (
              <option key={type}>{type}</option>
            ))}
          </select>
        </label>
        <PaletteButton item={{ kind: "source", type: sourceType }} onAdd={props.onAdd}>
          Add event source
        </PaletteButton>
        <PaletteButton item={{ kind: "channel" }} onAdd={props.onAdd}>
          Add channel
        </PaletteButton>
        <label className="cfx-editor__inline">
          <span>New action type</span>
          <select
            className="cfx-select"
            value={actionType}
            onChange={(event) => setActionType(event.target.value as ActionType)}
          >
            {actionTypes.map((type) => (
              <option key={type} value={type}>
                {isRunnableActionType(type) ? type : `${type} (not available yet)`}
              </option>
            ))}
          </select>
        </label>
        <PaletteButton item={{ kind: "action", type: actionType }} onAdd={props.onAdd}>
          Add action
        </PaletteButton>
      </fieldset>
      <fieldset className="cfx-editor__history">
        <legend className="cfx-visually-hidden">History</legend>
        <Button size="small" onClick={props.onUndo} disabled={!props.canUndo} title="Ctrl+Z">
          Undo
        </Button>
        <Button size="small" onClick={props.onRedo} disabled={!props.canRedo} title="Ctrl+Shift+Z">
          Redo
        </Button>
        <Button size="small" onClick={props.onTidy} title="Forget stored positions and lay out left to right">
          Tidy layout
        </Button>
        <Button
          size="small"
          variant="danger"
          disabled={!props.canDelete}
          onClick={props.onDelete}
          title="Delete key"
        >
          Delete selected
        </Button>
      </fieldset>
      <div className="cfx-editor__status" aria-live="polite">
        {props.problemCount ? (
          <span className="cfx-editor__problem-count">
            {props.problemCount} {props.problemCount === 1 ? "problem" : "problems"}
          </span>
        ) : null}
        {props.dirty ? <span>Unsaved changes</span> : null}
        {saveMessage && !(saveMessage.ok && props.dirty) ? (
          <span
            className={saveMessage.ok ? "cfx-editor__saved" : "cfx-field__error"}
            role={saveMessage.ok ? "status" : "alert"}
          >
            {saveMessage.text}
          </span>
        ) : null}
      </div>
      <Button
        variant="primary"
        onClick={props.onSave}
        disabled={props.saving}
        aria-busy={props.saving}
        title="Ctrl+S"
      >
        Save
      </Button>
    </div>
  );
}

/** A palette entry: click (or Enter) adds the node next to the selection; dragging it onto the canvas places it there. */
function PaletteButton({
  item,
  onAdd,
  children,
}: {
  item: PaletteItem;
  onAdd(item: PaletteItem): void;
  children: ReactNode;
}) {
  return (
    <Button
      size="small"
      draggable
      onDragStart={(event) => {
        event.dataTransfer.setData(paletteDragType, JSON.stringify(item));
        event.dataTransfer.effectAllowed = "copy";
      }}
      onClick={() => onAdd(item)}
    >
      {children}
    </Button>
  );
}
