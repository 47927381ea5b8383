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
