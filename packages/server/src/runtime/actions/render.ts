import {
  contentTypeJson,
  type JsonValue,
  type Scope,
  type TemplateMode,
  type Transform,
} from "@conflux/core";
import { compileTemplateOnce } from "../../expressions/compiled-expressions.ts";

/** Renders a `{contentType, content}` transform: JSON content becomes a value, other content a string. */
export function renderTransform(transform: Transform, scope: Scope): JsonValue {
  const mode: TemplateMode = transform.contentType === contentTypeJson ? "json" : "text";
  const rendered = compileTemplateOnce(transform.content, mode).render(scope);
  return mode === "text" && typeof rendered !== "string" ? JSON.stringify(rendered) : rendered;
}

/** Renders a text field to a string, whatever the value of a lone `${...}`. */
export function renderText(template: string, scope: Scope): string {
  const rendered = compileTemplateOnce(template, "text").render(scope);
  return typeof rendered === "string" ? rendered : JSON.stringify(rendered);
}
