import { useMemo } from "react";
import { ApiError, describeError } from "../api/client.ts";
import { TextAreaField } from "../ui/TextField.tsx";
import { checkPermissionDocument } from "./permission-document.ts";

/** The server's complaint about a saved document (its parser names the position), for the editor to show. */
export function serverProblemOf(error: unknown): string | undefined {
  if (error instanceof ApiError && error.status === 400) return describeError(error);
  return undefined;
}

/**
 * A permission document (JSON) with live validation: its JSON, shape and condition syntax are checked
 * at each keystroke; a 400 from the server on save (`serverProblem`) shows in the same place.
 */
export function PermissionEditor({
  label = "Permission",
  value,
  onChange,
  serverProblem,
  readOnly,
}: {
  label?: string;
  value: string;
  onChange(value: string): void;
  serverProblem?: string | undefined;
  readOnly?: boolean;
}) {
  const problem = useMemo(() => (value.trim() ? checkPermissionDocument(value) : undefined), [value]);
  return (
    <TextAreaField
      label={label}
      className="cfx-mono"
      rows={10}
      spellCheck={false}
      autoComplete="off"
      readOnly={readOnly}
      hint='{"statements": [{"effect": "allow" | "deny", "api": "App:list*" or a list, "condition"?: "…"}]}. A matching deny wins; no match is a deny.'
      value={value}
      onChange={(event) => onChange(event.target.value)}
      error={problem?.message ?? serverProblem}
    />
  );
}

/** Whether a document may be sent: empty (no permissions) or without a problem the live check sees. */
export function isSendable(text: string): boolean {
  return !text.trim() || checkPermissionDocument(text) === undefined;
}
