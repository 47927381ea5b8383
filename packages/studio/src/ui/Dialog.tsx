import { type FormEvent, type ReactNode, useEffect, useId, useRef } from "react";
import { Button } from "./Button.tsx";

export interface DialogProps {
  open: boolean;
  title: string;
  onClose(): void;
  children: ReactNode;
  /** Buttons at the bottom; with `onSubmit` the body is a form and Enter submits it. */
  actions: ReactNode;
  onSubmit?(): void;
  /** For a table: the width of a narrow page instead of a form's. */
  wide?: boolean;
}

/**
 * A modal on the native <dialog>: the browser traps focus, closes on Escape and puts it in the top layer.
 * Opening focuses the first control, so put the one to start on first: React's `autoFocus` does
 * nothing in here (it focuses while the dialog is still closed, before `showModal`).
 */
export function Dialog({ open, title, onClose, children, actions, onSubmit, wide }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit?.();
  };
  const body = (
    <>
      <h2 className="cfx-dialog__title" id={titleId}>
        {title}
      </h2>
      {children}
      <div className="cfx-dialog__actions">{actions}</div>
    </>
  );
  return (
    <dialog
      ref={ref}
      className={wide ? "cfx-dialog cfx-dialog--wide" : "cfx-dialog"}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      {open ? (
        onSubmit ? (
          <form className="cfx-dialog__body" onSubmit={submit}>
            {body}
          </form>
        ) : (
          <div className="cfx-dialog__body">{body}</div>
        )
      ) : null}
    </dialog>
  );
}

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger,
  busy,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onCancel}
      onSubmit={onConfirm}
      actions={
        // Cancel comes first, so it has the focus: a reflexive Enter keeps the data.
        <>
          <Button onClick={onCancel}>Cancel</Button>
          <Button type="submit" variant={danger ? "danger" : "primary"} disabled={busy}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}
