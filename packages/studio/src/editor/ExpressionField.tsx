import {
  autocompletion,
  type CompletionContext,
  type CompletionSource,
  completeFromList,
  completionKeymap,
} from "@codemirror/autocomplete";
import { defaultKeymap, indentWithTab } from "@codemirror/commands";
import { javascript, localCompletionSource, snippets } from "@codemirror/lang-javascript";
import { bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic, forceLinting, linter } from "@codemirror/lint";
import { Annotation, Compartment, EditorState, type Extension } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, placeholder as placeholderText } from "@codemirror/view";
import { useEffect, useId, useMemo, useRef } from "react";
import { themedHighlightStyle } from "../ui/code-highlight.ts";
import { completeInputField } from "./code-assist.ts";
import { mountCodeMirrorStylesWithoutInlineStyle } from "./codemirror-styles.ts";
import {
  type CompletionScope,
  completeExpression,
  diagnosticRange,
  type ExpressionKind,
  type FieldError,
} from "./expression-assist.ts";

export interface ExpressionFieldProps {
  label: string;
  value: string;
  onChange(value: string): void;
  /** An expression language field, or JavaScript (the code action's source). */
  kind: ExpressionKind | { kind: "javascript" };
  /** The syntax check; the field shows its message underneath and underlines its column. */
  check(source: string): FieldError | undefined;
  /** Problems from the server or the app-wide validation located at this field. */
  problems?: readonly FieldError[];
  scope: CompletionScope;
  readOnly?: boolean;
  placeholder?: string;
  hint?: string;
  /** The field's path in its node's form, for focusing a problem. */
  fieldPath?: string;
}

/**
 * The field's own syntax error and the problems located at it, without repeats: the app-wide
 * validation reports the same syntax error with the owner in front ("condition of action 'x': …").
 */
function fieldErrors(own: FieldError | undefined, problems: readonly FieldError[] = []): FieldError[] {
  const errors = own ? [own] : [];
  for (const problem of problems)
    if (
      !errors.some(
        (error) => problem.message === error.message || problem.message.endsWith(`: ${error.message}`),
      )
    )
      errors.push(problem);
  return errors;
}

mountCodeMirrorStylesWithoutInlineStyle();

/**
 * JavaScript: highlighting, line numbers, brackets, and Tab indents (Escape then Tab leaves the
 * field, CodeMirror's way out of a Tab-taking editor). Completions are the script's own names,
 * snippets, and the test message's fields after `payload.`.
 */
function javascriptExtensions(scope: () => CompletionScope): Extension[] {
  const inputFields: CompletionSource = (context) => {
    const result = completeInputField(context.state.doc.toString(), context.pos, scope());
    return result ? { from: result.from, options: result.options, validFor: /^[\w$]*$/ } : null;
  };
  return [
    javascript(),
    syntaxHighlighting(themedHighlightStyle, { fallback: true }),
    lineNumbers(),
    bracketMatching(),
    indentOnInput(),
    keymap.of([indentWithTab]),
    autocompletion({ override: [inputFields, localCompletionSource, completeFromList(snippets)] }),
  ];
}

/** Marks document changes made to follow the `value` prop, so they are not reported back as edits. */
const fromProps = Annotation.define<boolean>();

/**
 * A CodeMirror 6 field for conditions and templates. Undo is the editor's, not CodeMirror's (no
 * history extension), so Ctrl+Z means the same everywhere in the studio.
 */
export function ExpressionField(props: ExpressionFieldProps) {
  const id = useId();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const editable = useRef(new Compartment());

  const problemKey = (props.problems ?? [])
    .map((problem) => `${problem.column}:${problem.message}`)
    .join("|");
  const kindKey = props.kind.kind === "template" ? `template:${props.kind.mode}` : props.kind.kind;
  // The form re-renders on every edit anywhere in the app; the check (a parse of the field, the whole
  // script for code) runs again only when this field's value, kind (a transform's content switches
  // between JSON and text) or problems change: a field's check depends on nothing else.
  // biome-ignore lint/correctness/useExhaustiveDependencies: see above; the keys stand for `kind` and `problems`
  const errorText = useMemo(
    () =>
      fieldErrors(props.check(props.value), props.problems)
        .map((error) => error.message)
        .join("; "),
    [props.value, kindKey, problemKey],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: the view is created once; later props arrive through `latest`
  useEffect(() => {
    if (!host.current) return;
    const lint = linter(
      (current) => {
        const source = current.state.doc.toString();
        return fieldErrors(latest.current.check(source), latest.current.problems).map((error): Diagnostic => {
          const range = diagnosticRange(error.column, source.length);
          return { ...range, severity: "error", message: error.message };
        });
      },
      { delay: 150 },
    );
    const complete = (context: CompletionContext) => {
      const kind = latest.current.kind;
      if (kind.kind === "javascript") return null;
      const source = context.state.doc.toString();
      const result = completeExpression(source, context.pos, kind, latest.current.scope);
      if (!result) return null;
      if (result.from === context.pos && !context.explicit && !source.slice(0, context.pos).endsWith("."))
        return null;
      return { from: result.from, options: result.options, validFor: /^[\w$]*$/ };
    };
    const created = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: latest.current.value,
        extensions: [
          keymap.of([...completionKeymap, ...defaultKeymap]),
          latest.current.kind.kind === "javascript"
            ? javascriptExtensions(() => latest.current.scope)
            : autocompletion({ override: [complete], activateOnTyping: true }),
          lint,
          EditorView.lineWrapping,
          placeholderText(latest.current.placeholder ?? ""),
          editable.current.of(EditorView.editable.of(!latest.current.readOnly)),
          EditorView.contentAttributes.of({
            "aria-labelledby": `${id}-label`,
            "aria-describedby": `${id}-message`,
          }),
          EditorView.updateListener.of((update) => {
            if (!update.docChanged || update.transactions.some((t) => t.annotation(fromProps))) return;
            latest.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    const current = view.current;
    if (!current) return;
    const doc = current.state.doc.toString();
    if (doc !== props.value)
      current.dispatch({
        changes: { from: 0, to: doc.length, insert: props.value },
        annotations: fromProps.of(true),
      });
  }, [props.value]);

  useEffect(() => {
    view.current?.dispatch({
      effects: editable.current.reconfigure(EditorView.editable.of(!props.readOnly)),
    });
  }, [props.readOnly]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-lint when the located problems change
  useEffect(() => {
    if (view.current) forceLinting(view.current);
  }, [problemKey]);

  return (
    <div className="cfx-field cfx-expression" data-field={props.fieldPath}>
      <span className="cfx-field__label" id={`${id}-label`}>
        {props.label}
      </span>
      <div
        ref={host}
        className="cfx-expression__editor"
        data-kind={props.kind.kind}
        aria-invalid={errorText ? true : undefined}
      />
      <span
        id={`${id}-message`}
        className={errorText ? "cfx-field__error" : "cfx-field__hint"}
        role={errorText ? "alert" : undefined}
      >
        {errorText || props.hint || ""}
      </span>
    </div>
  );
}
