// Turns source text into tokens on demand, starting at any offset, so a template can hand the
// lexer the text right after a `${` and learn where the embedded expression ends.
import { ExpressionError } from "./errors.ts";

export type Punctuator =
  | "("
  | ")"
  | "["
  | "]"
  | "{"
  | "}"
  | ","
  | "."
  | ":"
  | "?"
  | "!"
  | "-"
  | "+"
  | "*"
  | "/"
  | "%"
  | "<"
  | "<="
  | ">"
  | ">="
  | "=="
  | "!="
  | "==="
  | "!=="
  | "&&"
  | "||";

/** `start` and `end` are offsets into the source; the 1-based column of a token is `start + 1`. */
export type Token =
  | { readonly kind: "number"; readonly value: number; readonly start: number; readonly end: number }
  | { readonly kind: "string"; readonly value: string; readonly start: number; readonly end: number }
  | { readonly kind: "identifier"; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: "punctuator"; readonly text: Punctuator; readonly start: number; readonly end: number }
  | { readonly kind: "end"; readonly start: number; readonly end: number };

// Longest first, so "===" wins over "==" and "<=" over "<".
const PUNCTUATORS: readonly Punctuator[] = [
  "===",
  "!==",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ".",
  ":",
  "?",
  "!",
  "-",
  "+",
  "*",
  "/",
  "%",
  "<",
  ">",
];

// Characters people type from JavaScript habit, with what to do instead.
const UNSUPPORTED_HINTS: ReadonlyMap<string, string> = new Map([
  ["=", "use == to compare; assignment is not supported"],
  ["&", "use && for 'and'"],
  ["|", "use || for 'or'"],
  [";", "an expression cannot contain statements"],
  ["`", "use double quotes for strings; template literals are not supported"],
]);

const SIMPLE_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ["'", "'"],
  ["\\", "\\"],
  ["/", "/"],
  ["b", "\b"],
  ["f", "\f"],
  ["n", "\n"],
  ["r", "\r"],
  ["t", "\t"],
]);

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isIdentifierStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36;
}

function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || isDigit(code);
}

function isHexDigits(source: string, start: number, count: number): boolean {
  for (let index = start; index < start + count; index++) {
    const code = source.charCodeAt(index);
    const isHex = isDigit(code) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
    if (!isHex) return false;
  }
  return true;
}

function syntaxError(message: string, offset: number): ExpressionError {
  return new ExpressionError("expression_syntax", message, offset + 1);
}

export class Lexer {
  private position: number;

  constructor(
    private readonly source: string,
    start = 0,
  ) {
    this.position = start;
  }

  next(): Token {
    this.skipWhitespace();
    const start = this.position;
    if (start >= this.source.length) return { kind: "end", start, end: start };
    const code = this.source.charCodeAt(start);
    if (isDigit(code)) return this.readNumber(start);
    if (code === 34 || code === 39) return this.readString(start);
    if (isIdentifierStart(code)) {
      let end = start + 1;
      while (end < this.source.length && isIdentifierPart(this.source.charCodeAt(end))) end++;
      this.position = end;
      return { kind: "identifier", name: this.source.slice(start, end), start, end };
    }
    for (const text of PUNCTUATORS) {
      if (this.source.startsWith(text, start)) {
        this.position = start + text.length;
        return { kind: "punctuator", text, start, end: this.position };
      }
    }
    const character = String.fromCodePoint(this.source.codePointAt(start) ?? code);
    const hint = UNSUPPORTED_HINTS.get(character);
    throw syntaxError(`Unexpected character '${character}'${hint ? ` (${hint})` : ""}`, start);
  }

  private skipWhitespace(): void {
    while (this.position < this.source.length) {
      const code = this.source.charCodeAt(this.position);
      if (code !== 32 && code !== 9 && code !== 10 && code !== 13) return;
      this.position++;
    }
  }

  private readNumber(start: number): Token {
    const source = this.source;
    let end = start;
    while (isDigit(source.charCodeAt(end))) end++;
    if (source.charCodeAt(end) === 46 && isDigit(source.charCodeAt(end + 1))) {
      end++;
      while (isDigit(source.charCodeAt(end))) end++;
    }
    const exponent = source.charCodeAt(end);
    if (exponent === 101 || exponent === 69) {
      let digits = end + 1;
      const sign = source.charCodeAt(digits);
      if (sign === 43 || sign === 45) digits++;
      if (!isDigit(source.charCodeAt(digits)))
        throw syntaxError("Invalid number: exponent has no digits", start);
      end = digits;
      while (isDigit(source.charCodeAt(end))) end++;
    }
    if (end < source.length && isIdentifierPart(source.charCodeAt(end))) {
      throw syntaxError(`Invalid number '${source.slice(start, end + 1)}'`, start);
    }
    const value = Number(source.slice(start, end));
    if (!Number.isFinite(value)) throw syntaxError("Number is too large", start);
    this.position = end;
    return { kind: "number", value, start, end };
  }

  private readString(start: number): Token {
    const source = this.source;
    const quote = source[start];
    const parts: string[] = [];
    let chunkStart = start + 1;
    let index = start + 1;
    while (index < source.length) {
      const character = source[index];
      if (character === quote) {
        parts.push(source.slice(chunkStart, index));
        this.position = index + 1;
        return { kind: "string", value: parts.join(""), start, end: this.position };
      }
      if (character === "\n" || character === "\r") break;
      if (character !== "\\") {
        index++;
        continue;
      }
      parts.push(source.slice(chunkStart, index));
      const escaped = source[index + 1];
      if (escaped === undefined) break;
      const simple = SIMPLE_ESCAPES.get(escaped);
      if (simple !== undefined) {
        parts.push(simple);
        index += 2;
      } else if (escaped === "u" && isHexDigits(source, index + 2, 4)) {
        parts.push(String.fromCharCode(Number.parseInt(source.slice(index + 2, index + 6), 16)));
        index += 6;
      } else {
        throw syntaxError(`Invalid escape '\\${escaped}' in string`, index);
      }
      chunkStart = index;
    }
    throw syntaxError("Missing closing quote for the string starting", start);
  }
}
