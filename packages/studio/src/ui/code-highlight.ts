import { HighlightStyle } from "@codemirror/language";
import { tags } from "@lezer/highlight";

// CodeMirror's default highlighting, with its colours taken from the theme's --cfx-code-* tokens
// (ui.css): its own colours are fixed in script and unreadable on the dark background.
const token = (name: string) => `var(--cfx-code-${name})`;

export const themedHighlightStyle = HighlightStyle.define([
  { tag: tags.meta, color: token("meta") },
  { tag: tags.link, textDecoration: "underline" },
  { tag: tags.heading, textDecoration: "underline", fontWeight: "bold" },
  { tag: tags.emphasis, fontStyle: "italic" },
  { tag: tags.strong, fontWeight: "bold" },
  { tag: tags.strikethrough, textDecoration: "line-through" },
  { tag: tags.keyword, color: token("keyword") },
  { tag: [tags.atom, tags.bool, tags.url, tags.contentSeparator, tags.labelName], color: token("atom") },
  { tag: [tags.literal, tags.inserted], color: token("literal") },
  { tag: [tags.string, tags.deleted], color: token("string") },
  { tag: [tags.regexp, tags.escape, tags.special(tags.string)], color: token("regexp") },
  { tag: tags.definition(tags.variableName), color: token("definition") },
  { tag: tags.local(tags.variableName), color: token("local") },
  { tag: [tags.typeName, tags.namespace, tags.className], color: token("type") },
  { tag: [tags.special(tags.variableName), tags.macroName], color: token("special") },
  { tag: tags.definition(tags.propertyName), color: token("property") },
  { tag: tags.comment, color: token("comment") },
  { tag: tags.invalid, color: token("invalid") },
]);
