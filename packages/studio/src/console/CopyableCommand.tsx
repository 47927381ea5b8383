import { useId, useRef, useState } from "react";
import { Button } from "../ui/Button.tsx";

/** A command in a code block with a button that copies it (or, without clipboard access, selects it). */
export function CopyableCommand({ label, command }: { label: string; command: string }) {
  const code = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState(false);
  const labelId = useId();

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
      setCopied(true);
    } catch {
      // An insecure origin (plain http on another host) has no clipboard: select it for Ctrl+C instead.
      const element = code.current;
      const selection = window.getSelection();
      if (!element || !selection) return;
      selection.selectAllChildren(element);
    }
  };

  return (
    <figure className="cfx-command" aria-labelledby={labelId}>
      {/* The heading above says it on screen; the figure and its button still need the name. */}
      <figcaption id={labelId} className="cfx-visually-hidden">
        {label}
      </figcaption>
      <pre className="cfx-command__code">
        <code ref={code}>{command}</code>
      </pre>
      <Button
        size="small"
        aria-label={`Copy ${label}`}
        onClick={() => void copy()}
        onBlur={() => setCopied(false)}
      >
        {copied ? "Copied" : "Copy"}
      </Button>
    </figure>
  );
}
