// Tokens of a statement's `condition`. Positions are 0-based offsets; errors report 1-based columns.
import { UserError } from "../../errors.ts";

export type ConditionPunctuator = "(" | ")" | "," | "==" | "!=" | "<=" | ">=" | "<" | ">" | "&&" | "||" | "!";

export type ConditionToken =
  | { readonly kind: "identifier"; readonly name: string; readonly start: number }
  | { readonly kind: "string"; readonly value: string; readonly start: number }
  | { readonly kind: "number"; readonly value: number; readonly start: number }
  | { readonly kind: "punctuator"; readonly text: ConditionPunctuator; readonly start: number }
  | { readonly kind: "end"; readonly start: number };

// Longest first, so "<=" wins over "<".
const PUNCTUATORS: readonly ConditionPunctuator[] = [
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "(",
  ")",
  ",",
  "<",
  ">",
  "!",
];

/** The error every condition problem becomes; `where` says which statement, e.g. "statements[2].condition". */
export function conditionError(message: string, offset: number, where: string): UserError {
  return new UserError("bad_request", `${message} at column ${offset + 1} in ${where}`);
}

export function tokenizeCondition(source: string, where: string): ConditionToken[] {
  const tokens: ConditionToken[] = [];
  let index = 0;
  while (index < source.length) {
    const character = source[index] as string;
    if (/\s/.test(character)) {
      index++;
      continue;
    }
    const start = index;
    if (/[A-Za-z_]/.test(character)) {
      while (index < source.length && /\w/.test(source[index] as string)) index++;
      tokens.push({ kind: "identifier", name: source.slice(start, index), start });
      continue;
    }
    if (/[0-9]/.test(character)) {
      while (index < source.length && /[0-9]/.test(source[index] as string)) index++;
      if (index < source.length && /[\w.]/.test(source[index] as string))
        throw conditionError(
          `Invalid number '${source.slice(start, index + 1)}' (only whole numbers)`,
          start,
          where,
        );
      tokens.push({ kind: "number", value: Number(source.slice(start, index)), start });
      continue;
    }
    if (character === '"' || character === "'") {
      const end = source.indexOf(character, start + 1);
      if (end < 0) throw conditionError("Missing closing quote for the string starting", start, where);
      const value = source.slice(start + 1, end);
      if (value.includes("\\")) throw conditionError("Backslashes are not allowed in strings", start, where);
      tokens.push({ kind: "string", value, start });
      index = end + 1;
      continue;
    }
    const punctuator = PUNCTUATORS.find((text) => source.startsWith(text, start));
    if (punctuator === undefined) {
      const hint = character === "=" ? " (use == to compare)" : "";
      throw conditionError(`Unexpected character '${character}'${hint}`, start, where);
    }
    tokens.push({ kind: "punctuator", text: punctuator, start });
    index += punctuator.length;
  }
  tokens.push({ kind: "end", start: source.length });
  return tokens;
}
