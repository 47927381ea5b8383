// How deeply JSON nests, found without recursion: sixteen thousand levels fit in 32 KB, and any code
// that walks a value recursively (serialising it, comparing it) would overflow the stack on it. Ingest
// refuses such a message before it goes further (the limit is the server's `limits.maxJsonDepth`).

/** Whether JSON text nests arrays and objects deeper than `limit`; one pass, strings skipped. Invalid text is left to the parser. */
export function jsonTextNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 34) {
      // A string: skip to its closing quote, past escaped characters.
      index++;
      while (index < text.length) {
        const inside = text.charCodeAt(index);
        if (inside === 92) index += 2;
        else if (inside === 34) break;
        else index++;
      }
    } else if (code === 91 || code === 123) {
      depth++;
      if (depth > limit) return true;
    } else if (code === 93 || code === 125) {
      depth--;
    }
    index++;
  }
  return false;
}

/** Whether a value nests arrays and objects deeper than `limit` (a scalar is depth 0); a walk with its own stack. */
export function jsonValueNestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<{ item: unknown; depth: number }> = [{ item: value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { item, depth } = next;
    if (item === null || typeof item !== "object") continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item))
      pending.push({ item: child, depth: depth + 1 });
  }
  return false;
}

/** The refusal ingest gives, naming the limit. */
export function describeJsonDepthLimit(limit: number): string {
  return `the JSON is nested deeper than ${limit} levels, the limit`;
}
