import { contentTypeJson } from "@conflux/core";
import { useEffect, useState } from "react";
import { Button } from "../ui/Button.tsx";
import { CheckboxField } from "../ui/CheckboxField.tsx";
import { Select } from "../ui/Select.tsx";
import { TextAreaField, TextField } from "../ui/TextField.tsx";
import { getIn } from "./app-edits.ts";
import { checkScript } from "./code-assist.ts";
import type { AiModel, CredentialSummary } from "./contract.ts";
import { ExpressionField } from "./ExpressionField.tsx";
import { type CompletionScope, checkExpression, toFieldError } from "./expression-assist.ts";
import { ModelListField } from "./ModelListField.tsx";
import { ModelPicker } from "./ModelPicker.tsx";
import { type LocatedProblem, messagesAt, problemsAt } from "./problems.ts";
import { checkFieldValue, defaultValueOf, type FormField } from "./schema-form.ts";

export interface FormContext {
  nodeId: string;
  /** Where the form's value sits in the node, for locating problems: `config`. */
  prefix: string;
  problems: readonly LocatedProblem[];
  credentials: readonly CredentialSummary[];
  /** The model catalogue for model fields; without it a model is typed as text. */
  aiModels?: readonly AiModel[] | undefined;
  scope: CompletionScope;
  readOnly: boolean;
  /** The whole value the form edits: field paths start at it. */
  root: unknown;
  onChange(path: string[], value: unknown): void;
}

interface FieldProps<F extends FormField = FormField> {
  field: F;
  value: unknown;
  context: FormContext;
}

function problemPath(context: FormContext, field: FormField): string {
  return [context.prefix, ...field.path].filter(Boolean).join(".");
}

function fieldMessages(context: FormContext, field: FormField, nested: boolean): string | undefined {
  return messagesAt(context.problems, context.nodeId, problemPath(context, field), nested);
}

/** A form for an object value (`context.root`), one control per field of its schema. */
export function SchemaForm({ fields, context }: { fields: FormField[]; context: FormContext }) {
  return (
    <>
      {fields.map((field) => (
        <SchemaField
          key={field.path.join(".")}
          field={field}
          value={getIn(context.root, field.path)}
          context={context}
        />
      ))}
    </>
  );
}

function SchemaField({ field, value, context }: FieldProps) {
  const path = problemPath(context, field);
  const change = (next: unknown) => context.onChange(field.path, next);
  const optional = field.optional ? " (optional)" : "";
  switch (field.kind) {
    case "text":
      return (
        <div data-field={path}>
          {field.multiline ? (
            <TextAreaField
              label={`${field.label}${optional}`}
              value={typeof value === "string" ? value : ""}
              rows={8}
              className="cfx-mono"
              spellCheck={false}
              error={fieldMessages(context, field, false)}
              onChange={(event) =>
                change(event.target.value === "" && field.optional ? undefined : event.target.value)
              }
            />
          ) : (
            <TextField
              label={`${field.label}${optional}`}
              value={typeof value === "string" ? value : ""}
              error={fieldMessages(context, field, false)}
              onChange={(event) =>
                change(event.target.value === "" && field.optional ? undefined : event.target.value)
              }
            />
          )}
        </div>
      );
    case "template":
      return (
        <ExpressionField
          label={`${field.label}${optional}`}
          fieldPath={path}
          value={typeof value === "string" ? value : ""}
          kind={{ kind: "template", mode: "text" }}
          check={(source) =>
            source === "" && field.optional ? undefined : checkFieldValue(field.schema, source)
          }
          problems={problemsAt(context.problems, context.nodeId, path).map(toFieldError)}
          scope={context.scope}
          readOnly={context.readOnly}
          hint="Text with ${…} expressions"
          onChange={(next) => change(next === "" && field.optional ? undefined : next)}
        />
      );
    case "javascript":
      return (
        <ExpressionField
          label={`${field.label}${optional}`}
          fieldPath={path}
          value={typeof value === "string" ? value : ""}
          kind={{ kind: "javascript" }}
          check={(source) => checkFieldValue(field.schema, source) ?? checkScript(source)}
          problems={problemsAt(context.problems, context.nodeId, path).map(toFieldError)}
          scope={context.scope}
          readOnly={context.readOnly}
          hint="JavaScript defining main(input); Tab indents, Esc then Tab leaves the editor"
          onChange={change}
        />
      );
    case "transform":
      return <TransformField field={field} value={value} context={context} />;
    case "number":
      return (
        <div data-field={path}>
          <TextField
            label={`${field.label}${optional}`}
            type="number"
            inputMode={field.integer ? "numeric" : "decimal"}
            min={field.min}
            max={field.max}
            step={field.integer ? 1 : "any"}
            value={typeof value === "number" ? value : ""}
            error={fieldMessages(context, field, false)}
            onChange={(event) =>
              change(
                event.target.value === "" ? (field.optional ? undefined : 0) : Number(event.target.value),
              )
            }
          />
        </div>
      );
    case "boolean":
      return (
        <CheckboxField data-field={path} label={field.label} checked={value === true} onChange={change} />
      );
    case "enum":
      return (
        <div data-field={path}>
          <Select
            label={field.label}
            value={typeof value === "string" ? value : ""}
            options={[
              ...(field.optional && typeof value !== "string" ? [{ value: "", label: "(default)" }] : []),
              ...field.options.map((option) => ({ value: option, label: option })),
            ]}
            error={fieldMessages(context, field, false)}
            onChange={(event) => change(event.target.value || undefined)}
          />
        </div>
      );
    case "credential": {
      const current = typeof value === "string" ? value : "";
      const known = context.credentials.find((credential) => credential.credentialsId === current);
      const offered = credentialsOffered(field, context);
      // The chosen credentials stay visible even when not offered: a key for another provider, or gone.
      const shown = offered.some((credential) => credential.credentialsId === current);
      return (
        <div data-field={path}>
          <Select
            label={`${field.label}${optional}`}
            value={current}
            hint={
              !context.credentials.length
                ? "No stored credentials yet: add them on the Credentials page."
                : offered.length < context.credentials.length
                  ? "AI provider keys for other providers than the model's are not listed."
                  : undefined
            }
            options={[
              { value: "", label: field.optional ? "(none)" : "Choose stored credentials…" },
              ...offered.map((credential) => ({
                value: credential.credentialsId,
                label: `${credential.credentialsId} (${credential.type})`,
              })),
              ...(current && !shown
                ? [
                    {
                      value: current,
                      label: known ? `${current} (a key for ${known.provider})` : `${current} (not found)`,
                    },
                  ]
                : []),
            ]}
            error={fieldMessages(context, field, false)}
            onChange={(event) => change(event.target.value || undefined)}
          />
        </div>
      );
    }
    case "ai-model":
      return context.aiModels?.length ? (
        <div data-field={path}>
          <ModelPicker
            label={`${field.label}${optional}`}
            value={typeof value === "string" ? value : ""}
            models={context.aiModels}
            ownKey={typeof sibling(field, context, "credentialsId") === "string"}
            needs={{
              image: Boolean(sibling(field, context, "imageUrl")),
              video: Boolean(sibling(field, context, "videoUrl")),
            }}
            readOnly={context.readOnly}
            error={fieldMessages(context, field, false)}
            onChange={(next) => change(next === "" && field.optional ? undefined : next)}
          />
        </div>
      ) : (
        <div data-field={path}>
          <TextField
            label={`${field.label}${optional}`}
            hint="<provider>/<model id>, e.g. openai/gpt-4.1-mini"
            value={typeof value === "string" ? value : ""}
            error={fieldMessages(context, field, false)}
            onChange={(event) =>
              change(event.target.value === "" && field.optional ? undefined : event.target.value)
            }
          />
        </div>
      );
    case "ai-model-list": {
      const primary = sibling(field, context, "model");
      return (
        <div data-field={path}>
          <ModelListField
            label={field.label}
            value={Array.isArray(value) ? value.filter((model) => typeof model === "string") : []}
            models={context.aiModels}
            exclude={typeof primary === "string" ? [primary] : []}
            max={field.max}
            ownKey={typeof sibling(field, context, "credentialsId") === "string"}
            needs={{
              image: Boolean(sibling(field, context, "imageUrl")),
              video: Boolean(sibling(field, context, "videoUrl")),
            }}
            readOnly={context.readOnly}
            error={fieldMessages(context, field, true)}
            onChange={change}
          />
        </div>
      );
    }
    case "string-list":
      return field.options ? (
        <ChoicesField field={field} options={field.options} value={value} context={context} />
      ) : (
        <LinesField field={field} value={value} context={context} />
      );
    case "record":
      return <RecordField field={field} value={value} context={context} />;
    case "object":
      return (
        <fieldset className="cfx-fieldset" data-field={path}>
          <legend>{field.label}</legend>
          <SchemaForm fields={field.fields} context={context} />
        </fieldset>
      );
    case "variant":
      return <VariantField field={field} value={value} context={context} />;
    case "json":
      return <JsonField field={field} value={value} context={context} />;
  }
}

/**
 * The stored credentials a credential field offers: beside a model (an AI action), not the AI provider
 * keys for another provider than the model's, which could not reach it.
 */
function credentialsOffered(field: FormField, context: FormContext): readonly CredentialSummary[] {
  const model = sibling(field, context, "model");
  const provider = typeof model === "string" ? model.split("/")[0] : undefined;
  if (!provider) return context.credentials;
  return context.credentials.filter(
    (credential) =>
      credential.type !== "ai-provider-key" || !credential.provider || credential.provider === provider,
  );
}

/** A field beside this one in the same object (a model's `credentialsId`, `imageUrl`). */
function sibling(field: FormField, context: FormContext, key: string): unknown {
  return getIn(context.root, [...field.path.slice(0, -1), key]);
}

function FieldMessage({ text }: { text: string | undefined }) {
  return text ? (
    <span className="cfx-field__error" role="alert">
      {text}
    </span>
  ) : null;
}

/** A few choices are checkboxes; many (the 80 COCO classes) a multiple select, which the keyboard handles as well. */
function ChoicesField({ field, options, value, context }: FieldProps & { options: string[] }) {
  const list = Array.isArray(value) ? (value as string[]) : [];
  const path = problemPath(context, field);
  const change = (next: string[]) => context.onChange(field.path, next);
  if (options.length > 12)
    return (
      <div data-field={path}>
        <Select
          label={`${field.label} (choose several with Ctrl or Shift)`}
          multiple
          size={8}
          value={list}
          options={options.map((option) => ({ value: option, label: option }))}
          error={fieldMessages(context, field, true)}
          onChange={(event) => change([...event.target.selectedOptions].map((option) => option.value))}
        />
      </div>
    );
  return (
    <fieldset className="cfx-fieldset" data-field={path}>
      <legend>{field.label}</legend>
      {options.map((option) => (
        <CheckboxField
          key={option}
          label={option}
          checked={list.includes(option)}
          onChange={(checked) =>
            change(
              checked
                ? options.filter((o) => o === option || list.includes(o))
                : list.filter((o) => o !== option),
            )
          }
        />
      ))}
      <FieldMessage text={fieldMessages(context, field, true)} />
    </fieldset>
  );
}

/** A list of strings (e-mail addresses), one per line; a field that takes one or many keeps a single one as a string. */
function LinesField({ field, value, context }: FieldProps<Extract<FormField, { kind: "string-list" }>>) {
  const lines = Array.isArray(value)
    ? (value as string[])
    : typeof value === "string" && value
      ? [value]
      : [];
  const [text, setText] = useState(lines.join("\n"));
  const joined = lines.join("\n");
  useEffect(() => {
    setText((current) => (current.split("\n").filter(Boolean).join("\n") === joined ? current : joined));
  }, [joined]);
  return (
    <div data-field={problemPath(context, field)}>
      <TextAreaField
        label={`${field.label}${field.optional ? " (optional)" : ""}`}
        hint="One per line"
        rows={Math.max(2, lines.length + 1)}
        value={text}
        error={fieldMessages(context, field, true)}
        onChange={(event) => {
          setText(event.target.value);
          const items = event.target.value
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean);
          if (!items.length)
            context.onChange(field.path, field.optional ? undefined : field.allowSingle ? "" : []);
          else context.onChange(field.path, field.allowSingle && items.length === 1 ? items[0] : items);
        }}
      />
    </div>
  );
}

/** Name → template pairs, e.g. HTTP headers. */
function RecordField({ field, value, context }: FieldProps<Extract<FormField, { kind: "record" }>>) {
  const entries = Object.entries((value ?? {}) as Record<string, string>);
  const write = (next: [string, string][]) => context.onChange(field.path, Object.fromEntries(next));
  const path = problemPath(context, field);
  return (
    <fieldset className="cfx-fieldset" data-field={path}>
      <legend>{field.label}</legend>
      {entries.map(([key, entryValue], index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: entries are edited in place; the key itself may change
        <div className="cfx-record-row" key={index}>
          <TextField
            label={`${field.label} ${index + 1} name`}
            value={key}
            onChange={(event) =>
              write(entries.map((entry, i) => (i === index ? [event.target.value, entry[1]] : entry)))
            }
          />
          <ExpressionField
            label={`${field.label} ${index + 1} value`}
            fieldPath={`${path}.${key}`}
            value={entryValue}
            kind={{ kind: "template", mode: "text" }}
            check={(source) => checkExpression(source, { kind: "template", mode: "text" })}
            problems={problemsAt(context.problems, context.nodeId, `${path}.${key}`).map(toFieldError)}
            scope={context.scope}
            readOnly={context.readOnly}
            onChange={(next) => write(entries.map((entry, i) => (i === index ? [entry[0], next] : entry)))}
          />
          <Button
            size="small"
            variant="ghost"
            aria-label={`Remove ${field.label.toLowerCase()} ${index + 1}`}
            onClick={() => write(entries.filter((_, i) => i !== index))}
          >
            Remove
          </Button>
        </div>
      ))}
      <Button size="small" onClick={() => write([...entries, [uniqueKey(entries), ""]])}>
        Add {field.label.toLowerCase()}
      </Button>
      <FieldMessage text={fieldMessages(context, field, false)} />
    </fieldset>
  );
}

function uniqueKey(entries: [string, string][]): string {
  for (let n = entries.length + 1; ; n++)
    if (!entries.some(([key]) => key === `name-${n}`)) return `name-${n}`;
}

/** One of several shapes chosen by a discriminator (a webhook body's `mode`, its `auth.type`). */
function VariantField({ field, value, context }: FieldProps<Extract<FormField, { kind: "variant" }>>) {
  const current = (value ?? {}) as Record<string, unknown>;
  const chosen = String(current[field.discriminator] ?? field.variants[0]?.value ?? "");
  const variant = field.variants.find((candidate) => candidate.value === chosen);
  const path = problemPath(context, field);
  const choose = (next: string) => {
    const target = field.variants.find((candidate) => candidate.value === next);
    const value: Record<string, unknown> = { [field.discriminator]: next };
    // Fields both shapes have (a body's content) carry over; the new shape's required ones start at their default.
    for (const sub of target?.fields ?? []) {
      const key = sub.path.at(-1) as string;
      const kept = current[key] ?? (sub.optional ? undefined : defaultValueOf(sub.schema));
      if (kept !== undefined) value[key] = kept;
    }
    context.onChange(field.path, value);
  };
  return (
    <fieldset className="cfx-fieldset" data-field={path}>
      <legend>{field.label}</legend>
      <Select
        label={`${field.label} ${field.discriminator}`}
        value={chosen}
        options={field.variants.map((candidate) => ({ value: candidate.value, label: candidate.value }))}
        error={fieldMessages(context, field, false)}
        onChange={(event) => choose(event.target.value)}
      />
      {variant ? <SchemaForm fields={variant.fields} context={context} /> : null}
    </fieldset>
  );
}

/** `{contentType, content}`: JSON content is checked as a JSON template, anything else as text. */
function TransformField({ field, value, context }: FieldProps<Extract<FormField, { kind: "transform" }>>) {
  const transform = value as { contentType?: string; content?: string } | undefined;
  const path = problemPath(context, field);
  const mode = (transform?.contentType ?? contentTypeJson) === contentTypeJson ? "json" : "text";
  return (
    <fieldset className="cfx-fieldset" data-field={path}>
      <legend>{field.label}</legend>
      <CheckboxField
        label={`Use ${/^[aeiou]/i.test(field.label) ? "an" : "a"} ${field.label.toLowerCase()}`}
        checked={transform !== undefined}
        onChange={(used) =>
          context.onChange(
            field.path,
            used ? { contentType: contentTypeJson, content: "${payload}" } : undefined,
          )
        }
      />
      {transform ? (
        <>
          <TextField
            label={`${field.label} content type`}
            value={transform.contentType ?? contentTypeJson}
            onChange={(event) => context.onChange([...field.path, "contentType"], event.target.value)}
          />
          <ExpressionField
            label={`${field.label} content`}
            fieldPath={`${path}.content`}
            value={transform.content ?? ""}
            kind={{ kind: "template", mode }}
            check={(source) => checkExpression(source, { kind: "template", mode })}
            problems={problemsAt(context.problems, context.nodeId, `${path}.content`).map(toFieldError)}
            scope={context.scope}
            readOnly={context.readOnly}
            hint={
              mode === "json" ? 'JSON with ${…}, e.g. {"t": ${payload.temp}}' : "Text with ${…} expressions"
            }
            onChange={(next) => context.onChange([...field.path, "content"], next)}
          />
        </>
      ) : null}
      <FieldMessage text={fieldMessages(context, field, false)} />
    </fieldset>
  );
}

/** Any JSON value, edited as text: applied only while it parses, so a half-typed value loses nothing. */
function JsonField({ field, value, context }: FieldProps) {
  const serialized = value === undefined ? "" : JSON.stringify(value, null, 2);
  const [text, setText] = useState(serialized);
  const [parseError, setParseError] = useState<string>();
  useEffect(() => {
    setText((current) => {
      try {
        return current.trim() && JSON.stringify(JSON.parse(current), null, 2) === serialized
          ? current
          : serialized;
      } catch {
        return serialized;
      }
    });
    setParseError(undefined);
  }, [serialized]);
  const error = parseError ?? fieldMessages(context, field, true);
  return (
    <div data-field={problemPath(context, field)}>
      <TextAreaField
        label={`${field.label}${field.optional ? " (optional)" : ""}`}
        hint="JSON"
        rows={Math.min(12, Math.max(3, text.split("\n").length))}
        className="cfx-mono"
        spellCheck={false}
        value={text}
        error={error}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          if (next.trim() === "") {
            setParseError(undefined);
            context.onChange(field.path, field.optional ? undefined : {});
            return;
          }
          try {
            const parsed: unknown = JSON.parse(next);
            setParseError(undefined);
            context.onChange(field.path, parsed);
          } catch (caught) {
            setParseError(`Not valid JSON: ${(caught as Error).message}`);
          }
        }}
      />
    </div>
  );
}
