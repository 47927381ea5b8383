import { type ChangeEvent, useRef } from "react";
import { Button, type ButtonProps } from "./Button.tsx";

export interface FileButtonProps extends Omit<ButtonProps, "onClick" | "onChange"> {
  /** The name of the file input itself (screen readers, tests that set files on it). */
  inputLabel: string;
  accept?: string;
  onFile(file: File): void;
}

/**
 * A button that opens the file picker. The button takes the focus and shows it; the input is hidden
 * and out of the tab order (a hidden input that takes the focus shows no ring).
 */
export function FileButton({ inputLabel, accept, onFile, ...button }: FileButtonProps) {
  const input = useRef<HTMLInputElement>(null);
  const change = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    // Cleared, so choosing the same file again is a change too.
    event.target.value = "";
    if (file) onFile(file);
  };
  return (
    <>
      <input
        ref={input}
        type="file"
        accept={accept}
        className="cfx-visually-hidden"
        aria-label={inputLabel}
        tabIndex={-1}
        onChange={change}
      />
      <Button {...button} onClick={() => input.current?.click()} />
    </>
  );
}
