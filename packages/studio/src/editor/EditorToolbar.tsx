import { Button } from "../ui/Button.tsx";

export interface EditorToolbarProps {
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

/** Undo/redo, tidy, delete, and Save with the app's state (problems, unsaved changes, outcome of the last save); the palette is beside the canvas. */
export function EditorToolbar(props: EditorToolbarProps) {
  const { saveMessage } = props;
  return (
    <div className="cfx-editor__toolbar" role="toolbar" aria-label="App editor">
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
