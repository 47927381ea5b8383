/** Environment variables as the config reads them. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The entries whose value is set, or undefined when none is: a section of the config read from
 * variables must not stand in for the config file's section when no variable of it is set.
 */
export function definedEntries<T extends object>(entries: T): Partial<T> | undefined {
  const kept = Object.entries(entries).filter(([, value]) => value !== undefined);
  return kept.length === 0 ? undefined : (Object.fromEntries(kept) as Partial<T>);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Layers of configuration, later ones winning key by key at every depth: one variable of a section
 * (say `CONFLUX_AI_OPENAI_BASE_URL`) changes that key and keeps the rest of the file's section.
 * Lists are replaced whole.
 */
export function mergeLayers(...layers: ReadonlyArray<Record<string, unknown>>): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const layer of layers)
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      const current = merged[key];
      merged[key] = isPlainObject(current) && isPlainObject(value) ? mergeLayers(current, value) : value;
    }
  return merged;
}
