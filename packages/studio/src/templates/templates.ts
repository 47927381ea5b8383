import type { AppDefinition } from "@conflux/core";

/** A starting point for a new app, in the "New app" gallery. */
export interface AppTemplate {
  id: string;
  title: string;
  /** One line: what the app does, shape first (source → actions). */
  description: string;
  /** Created as it is, under the name the person gives. */
  definition: AppDefinition;
}

export const blankTemplate: AppTemplate = {
  id: "blank",
  title: "Blank",
  description: "An empty canvas: add a channel and actions yourself.",
  definition: { name: "Blank", description: "", tags: {}, channels: [], actions: [] },
};

// The docs' examples, bundled at build time: the gallery shows what the docs explain, and a new
// example in docs/examples/ appears here without a code change. Each is checked by templates.test.ts.
const examples = import.meta.glob<AppDefinition>("../../../../docs/examples/*.json", {
  eager: true,
  import: "default",
});

function fromExample(path: string, definition: AppDefinition): AppTemplate {
  const id = path.replace(/^.*\//, "").replace(/\.json$/, "");
  return { id, title: definition.name, description: definition.description, definition };
}

/** Blank first, then the examples by title. */
export const appTemplates: readonly AppTemplate[] = [
  blankTemplate,
  ...Object.entries(examples)
    .map(([path, definition]) => fromExample(path, definition))
    .sort((a, b) => a.title.localeCompare(b.title)),
];
