// Templates: text with `${expression}` parts. `\${` stands for a literal "${".
//
// - A template that is exactly one `${…}` renders to the value itself (object, number…), in both modes.
// - "text" mode: strings are inserted as they are, other values as JSON text (null → "null").
// - "json" mode (the template is JSON content): `${x}` outside a JSON string inserts x as JSON;
//   inside a JSON string ("… ${x} …") it inserts x as string content, JSON-escaped, with objects as
//   their JSON text. The result is then parsed as JSON. Whether a `${` is inside a string is decided
//   at compile time by scanning the JSON text around it.

import { EvaluationBudget } from "./budget.ts";
import { checkSourceLength } from "./compile.ts";
import { ExpressionError } from "./errors.ts";
import { type EvaluationOptions, evaluateNode, withinLimits } from "./evaluator.ts";
import { MAX_TEMPLATE_LENGTH } from "./limits.ts";
import { type Node, parseEmbeddedExpression } from "./parser.ts";
import {
  checkStringLength,
  type JsonValue,
  parseJsonText,
  type Scope,
  stringifyJson,
  toText,
} from "./values.ts";

export type TemplateMode = "text" | "json";

export interface CompiledTemplate {
  render(scope: Scope, options?: EvaluationOptions): JsonValue;
  /** True when the template is exactly one `${…}`, so render returns that value unchanged. */
  readonly isSingleExpression: boolean;
  /**
   * Renders to text with every inserted value turned into text by `insert`, so a caller can mark
   * where outside data went (the AI action fences device data off from its instructions).
   */
  renderMarked(scope: Scope, insert: (value: JsonValue) => string, options?: EvaluationOptions): string;
}

type TemplatePart =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "expression"; readonly node: Node; readonly quoted: boolean };

export function compileTemplate(source: string, mode: TemplateMode): CompiledTemplate {
  checkSourceLength(source, MAX_TEMPLATE_LENGTH, "Template");
  const parts = splitTemplate(source, mode);
  const [only] = parts;
  const insertForMode = (value: JsonValue, quoted: boolean) => insertValue(mode, value, quoted);
  const renderMarked: CompiledTemplate["renderMarked"] = (scope, insert, options) =>
    withinLimits(() => renderParts(parts, scope, options, insert));
  if (parts.length === 1 && only?.kind === "expression") {
    return {
      isSingleExpression: true,
      render: (scope, options) => evaluateNode(only.node, scope, options),
      renderMarked,
    };
  }
  return {
    isSingleExpression: false,
    renderMarked,
    render: (scope, options) =>
      withinLimits(() => {
        const text = renderParts(parts, scope, options, insertForMode);
        return mode === "json" ? parseJsonText(text, "The rendered template") : text;
      }),
  };
}

/** The syntax error (or limit error) of a template, or undefined when it compiles. Never throws. */
export function checkTemplate(source: string, mode: TemplateMode): ExpressionError | undefined {
  try {
    compileTemplate(source, mode);
    return undefined;
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
}

function splitTemplate(source: string, mode: TemplateMode): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = "";
  let chunkStart = 0;
  let insideJsonString = false;
  let index = 0;
  while (index < source.length) {
    const character = source[index];
    if (character === "\\" && source.startsWith("${", index + 1)) {
      text += `${source.slice(chunkStart, index)}\${`;
      index += 3;
      chunkStart = index;
    } else if (character === "$" && source[index + 1] === "{") {
      text += source.slice(chunkStart, index);
      if (text !== "") parts.push({ kind: "text", text });
      text = "";
      const { node, end } = parseEmbeddedExpression(source, index + 2);
      parts.push({ kind: "expression", node, quoted: mode === "json" && insideJsonString });
      index = end;
      chunkStart = index;
    } else if (mode === "json" && insideJsonString && character === "\\") {
      index += 2; // an escape such as \" does not end the string
    } else {
      if (mode === "json" && character === '"') insideJsonString = !insideJsonString;
      index++;
    }
  }
  text += source.slice(chunkStart, Math.min(index, source.length));
  if (text !== "") parts.push({ kind: "text", text });
  return parts;
}

/** The template's text with each expression's value turned into text by `insert`. */
function renderParts(
  parts: readonly TemplatePart[],
  scope: Scope,
  options: EvaluationOptions | undefined,
  insert: (value: JsonValue, quoted: boolean) => string,
): string {
  const pieces: string[] = [];
  let length = 0;
  // The parts are one evaluation: they share one budget.
  const budget = new EvaluationBudget(options?.budget);
  for (const part of parts) {
    const piece =
      part.kind === "text" ? part.text : insert(evaluateNode(part.node, scope, options, budget), part.quoted);
    budget.spend(piece.length);
    length += piece.length;
    checkStringLength(length);
    pieces.push(piece);
  }
  return pieces.join("");
}

/** How a value goes into the text of a template of this mode (see the top of this file). */
function insertValue(mode: TemplateMode, value: JsonValue, quoted: boolean): string {
  if (mode === "text") return toText(value);
  return quoted ? JSON.stringify(toText(value)).slice(1, -1) : stringifyJson(value);
}
