/** Characters of an API name pattern: names are `<Group>:<operationId>`, `*` matches any run. */
const PATTERN_SHAPE = /^[A-Za-z0-9:_*-]{1,200}$/;

export function isApiPattern(text: string): boolean {
  return PATTERN_SHAPE.test(text);
}

/**
 * Whether `name` matches `pattern`, where `*` stands for any run of characters (none included).
 * Greedy with one resume point (the last star), so at most pattern length × name length steps,
 * unlike a regular expression built from the pattern, which `*a*a*a*a*b` would make exponential.
 */
export function apiPatternMatches(pattern: string, name: string): boolean {
  let patternIndex = 0;
  let nameIndex = 0;
  let starIndex = -1;
  let resumeIndex = 0;
  while (nameIndex < name.length) {
    const expected = pattern[patternIndex];
    if (expected === "*") {
      starIndex = patternIndex++;
      resumeIndex = nameIndex;
    } else if (expected === name[nameIndex]) {
      patternIndex++;
      nameIndex++;
    } else if (starIndex >= 0) {
      patternIndex = starIndex + 1;
      nameIndex = ++resumeIndex;
    } else {
      return false;
    }
  }
  while (pattern[patternIndex] === "*") patternIndex++;
  return patternIndex === pattern.length;
}
