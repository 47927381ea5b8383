// The inspector's own fields (names, types, channels, switches): inputs while editing, plain text when
// read-only (a run or a saved version), where an input would look as if it could be changed.
import { CheckboxField, type CheckboxFieldProps } from "../ui/CheckboxField.tsx";
import { Select, type SelectProps } from "../ui/Select.tsx";
import { TextAreaField, type TextAreaFieldProps, TextField, type TextFieldProps } from "../ui/TextField.tsx";

interface ReadOnly {
  readOnly: boolean;
}

/** A label and its value as text. */
export function ReadOnlyValue({ label, value }: { label: string; value: string }) {
  return (
    <div className="cfx-readonly">
      <span className="cfx-readonly__label">{label}</span>
      <span className="cfx-readonly__value">
        {value === "" ? <span className="cfx-muted">none</span> : value}
      </span>
    </div>
  );
}

export function InspectorText({ readOnly, ...props }: TextFieldProps & ReadOnly & { label: string }) {
  return readOnly ? (
    <ReadOnlyValue label={props.label} value={String(props.value ?? "")} />
  ) : (
    <TextField {...props} />
  );
}

export function InspectorTextArea({ readOnly, ...props }: TextAreaFieldProps & ReadOnly & { label: string }) {
  return readOnly ? (
    <ReadOnlyValue label={props.label} value={String(props.value ?? "")} />
  ) : (
    <TextAreaField {...props} />
  );
}

export function InspectorSelect({ readOnly, ...props }: SelectProps & ReadOnly & { label: string }) {
  const value = String(props.value ?? "");
  const option = props.options.find((candidate) => candidate.value === value);
  return readOnly ? (
    <ReadOnlyValue label={props.label} value={option?.label ?? value} />
  ) : (
    <Select {...props} />
  );
}

export function InspectorCheckbox({ readOnly, ...props }: CheckboxFieldProps & ReadOnly & { label: string }) {
  return readOnly ? (
    <ReadOnlyValue label={props.label} value={props.checked ? "yes" : "no"} />
  ) : (
    <CheckboxField {...props} />
  );
}
