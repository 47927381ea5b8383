// What the code action's editor knows about JavaScript beyond CodeMirror's own language support:
// syntax errors from the parse tree, the `main` function the sandbox calls, and the fields of the
// test message after `payload.` (or `input.payload.`).
import { javascriptLanguage } from "@codemirror/lang-javascript";
import {
  type CompletionResult,
  type CompletionScope,
  completeExpression,
  type FieldError,
} from "./expression-assist.ts";

/** The first syntax error in a script, with its line and column, or the missing `main`. */
export function checkScript(source: string): FieldError | undefined {
  let error: number | undefined;
  javascriptLanguage.parser.parse(source).iterate({
    enter(node) {
      if (error !== undefined) return false;
      if (node.type.isError) error = node.from;
      return undefined;
    },
  });
  if (error !== undefined) {
    const before = source.slice(0, error).split("\n");
    const line = before.length;
    const column = (before.at(-1)?.length ?? 0) + 1;
    // `column` counts from the start of the whole field, as the expression fields' underlining expects.
    return { message: `JavaScript syntax error at line ${line}, column ${column}`, column: error + 1 };
  }
  if (!/\bfunction\s+main\s*\(|\bmain\s*=/.test(source))
    return { message: "The code must define a function main(input): the action calls it with each message" };
  return undefined;
}

/** Fields after `payload.`, `event.payload.`, `context.` (with or without `input.` in front), from the test message. */
export function completeInputField(
  source: string,
  position: number,
  scope: CompletionScope,
): CompletionResult | undefined {
  const before = source.slice(0, position);
  const match = /((?:[A-Za-z_$][\w$]*\.)+)([A-Za-z_$][\w$]*)?$/.exec(before);
  if (!match?.[1]) return undefined;
  const chain = match[1].replace(/^input\./, "");
  if (!/^(payload|event|context)\./.test(chain)) return undefined;
  const expression = chain + (match[2] ?? "");
  const result = completeExpression(expression, expression.length, { kind: "condition" }, scope);
  return result && { from: position - (expression.length - result.from), options: result.options };
}
