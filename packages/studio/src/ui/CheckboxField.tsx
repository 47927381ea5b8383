import type { InputHTMLAttributes, ReactNode } from "react";

export interface CheckboxFieldProps
  extends Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "onChange" | "checked"> {
  label: ReactNode;
  checked: boolean;
  onChange(checked: boolean): void;
  /** Set on the field, for finding it (the editor focuses the field a problem points at). */
  "data-field"?: string | undefined;
}

/** A checkbox with its label beside it; the label is the control's name. */
export function CheckboxField({ label, onChange, "data-field": dataField, ...input }: CheckboxFieldProps) {
  return (
    <div className="cfx-field cfx-field--check" data-field={dataField}>
      <label>
        <input type="checkbox" {...input} onChange={(event) => onChange(event.target.checked)} /> {label}
      </label>
    </div>
  );
}
