// What the expression field knows about the language, without CodeMirror: where a syntax error
// sits (core's own checkers, so the browser and the server agree) and what to suggest at the cursor.
import {
  checkCondition,
  checkTemplate,
  type EventSourceType,
  expressionFunctions,
  type TemplateMode,
} from "@conflux/core";

/** What a field holds: a condition (one expression) or a template (text with `${…}` parts). */
export type ExpressionKind = { kind: "condition" } | { kind: "template"; mode: TemplateMode };

export interface FieldError {
  message: string;
  /** 1-based column in the field, when the checker knows it. */
  column?: number;
}

/** A checker's error, or a problem located at a field, as the field shows it. */
export function toFieldError(error: { message: string; column?: number | undefined }): FieldError {
  return error.column === undefined
    ? { message: error.message }
    : { message: error.message, column: error.column };
}

export function checkExpression(source: string, kind: ExpressionKind): FieldError | undefined {
  const error = kind.kind === "condition" ? checkCondition(source) : checkTemplate(source, kind.mode);
  return error ? toFieldError(error) : undefined;
}

/** The character range a diagnostic underlines: the column's character, or the last one at the end. */
export function diagnosticRange(column: number | undefined, length: number): { from: number; to: number } {
  if (length === 0) return { from: 0, to: 0 };
  const from = Math.min(Math.max((column ?? 1) - 1, 0), length - 1);
  return { from, to: from + 1 };
}

/**
 * The context of each event source as the spec's table describes it; every channel can also receive
 * messages from the API and incoming webhooks, whose context keys are added for every channel.
 */
const contextKeys: Record<EventSourceType, string[]> = {
  api: ["eventType"],
  device: ["eventType", "request", "resource", "group"],
  "interval-timer": ["eventType", "scheduleId", "timestamp"],
  "scheduled-timer": ["eventType", "scheduleId", "timestamp", "cron", "timezone"],
  file: ["eventType", "configurationId"],
};

export function contextKeysFor(type: EventSourceType | undefined): string[] {
  return [...new Set([...(type ? contextKeys[type] : []), "eventType", "webhookId"])];
}

export interface CompletionScope {
  /** A sample payload (the test message being edited) whose keys `payload.` suggests. */
  samplePayload?: unknown;
  /** Keys `context.` suggests. */
  contextKeys: string[];
  /** Extra root variables where they exist: `result` in output transforms, `error` in error transforms. */
  extraVariables?: string[];
}

export interface CompletionOption {
  label: string;
  type: "variable" | "property" | "function";
  detail?: string;
  info?: string;
  /** Text inserted instead of the label (a function gets its opening parenthesis). */
  apply?: string;
}

export interface CompletionResult {
  /** Offset where the replaced word starts. */
  from: number;
  options: CompletionOption[];
}

/** In a template, suggestions only make sense inside an open `${`. */
function insideTemplateExpression(text: string): boolean {
  const open = text.lastIndexOf("${");
  return open !== -1 && text.indexOf("}", open) === -1 && text[open - 1] !== "\\";
}

function keysOf(value: unknown): string[] {
  return value && typeof value === "object" && !Array.isArray(value) ? Object.keys(value) : [];
}

function sampleAt(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!current || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function propertyOptions(keys: string[]): CompletionOption[] {
  return keys.map((label) => ({ label, type: "property" }));
}

/** Suggestions at `position` in `source`: variables and functions, or the fields after a dot. */
export function completeExpression(
  source: string,
  position: number,
  kind: ExpressionKind,
  scope: CompletionScope,
): CompletionResult | undefined {
  const before = source.slice(0, position);
  if (kind.kind === "template" && !insideTemplateExpression(before)) return undefined;
  const match = /([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\.)?([A-Za-z_$][\w$]*)?$/.exec(before);
  if (!match || (match[1] === undefined && match[2] === undefined)) return undefined;
  const word = match[2] ?? "";
  const from = position - word.length;
  if (match[1] === undefined) {
    // A dot before a non-name (`a[0].` or `f().`): nothing known to suggest.
    if (before.slice(0, from).endsWith(".")) return undefined;
    const variables = ["payload", "context", "event", ...(scope.extraVariables ?? [])];
    return {
      from,
      options: [
        ...variables.map((label): CompletionOption => ({ label, type: "variable" })),
        ...expressionFunctions.map(
          (fn): CompletionOption => ({
            label: fn.name,
            type: "function",
            detail: fn.signature,
            info: fn.description,
            apply: `${fn.name}(`,
          }),
        ),
      ],
    };
  }
  const [root, ...path] = match[1].slice(0, -1).split(".");
  if (root === "event" && path.length === 0)
    return { from, options: propertyOptions(["payload", "context"]) };
  const sample =
    root === "payload" || (root === "event" && path[0] === "payload")
      ? sampleAt(scope.samplePayload, root === "payload" ? path : path.slice(1))
      : undefined;
  if (sample !== undefined) return { from, options: propertyOptions(keysOf(sample)) };
  const contextPath =
    root === "context" ? path : root === "event" && path[0] === "context" ? path.slice(1) : undefined;
  if (contextPath?.length === 0) return { from, options: propertyOptions(scope.contextKeys) };
  return undefined;
}
