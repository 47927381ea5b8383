// Hand-written scanners for the text shapes functions read (decimal numbers, ISO 8601 dates, date
// patterns). Each looks at every character at most a fixed number of times, so its cost is linear in
// its input whatever the input: regular expressions with nested or adjacent quantifiers backtrack,
// and one message with a long string could hold the server's event loop for seconds.

function isDigitAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 48 && code <= 57;
}

/** The end of the run of digits starting at `index` (`index` itself when there is none). */
function digitsEnd(text: string, index: number): number {
  let end = index;
  while (isDigitAt(text, end)) end++;
  return end;
}

/** `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`, the whole text. */
export function isDecimalNumber(text: string): boolean {
  let index = text[0] === "+" || text[0] === "-" ? 1 : 0;
  const integerEnd = digitsEnd(text, index);
  let digits = integerEnd - index;
  index = integerEnd;
  if (text[index] === ".") {
    const fractionEnd = digitsEnd(text, index + 1);
    digits += fractionEnd - index - 1;
    index = fractionEnd;
  }
  if (digits === 0) return false;
  if (text[index] === "e" || text[index] === "E") {
    index++;
    if (text[index] === "+" || text[index] === "-") index++;
    const exponentEnd = digitsEnd(text, index);
    if (exponentEnd === index) return false;
    index = exponentEnd;
  }
  return index === text.length;
}

/** The fields of an ISO 8601 date or date-time, as text read them; numbers are not range-checked here. */
export interface IsoFields {
  year: number;
  month: number;
  day: number;
  hours: number;
  minutes: number;
  seconds: number;
  /** Up to 9 digits of fractional seconds, as written. */
  fraction: string;
  /** Minutes east of UTC, signed; undefined when the text gives no offset (or Z, which is 0). */
  offset?: { sign: 1 | -1; hours: number; minutes: number };
}

/**
 * `YYYY-MM-DD`, optionally followed by `[Tt ]HH:mm[:ss[.fraction]]` and `Z` or `±HH[[:]mm]`; the whole
 * text or nothing.
 */
export function scanIsoDatetime(text: string): IsoFields | undefined {
  let index = 0;
  const fixed = (width: number): number | undefined => {
    if (digitsEnd(text, index) - index < width) return undefined;
    const value = Number(text.slice(index, index + width));
    index += width;
    return value;
  };
  const literal = (character: string): boolean => {
    if (text[index] !== character) return false;
    index++;
    return true;
  };
  const year = fixed(4);
  if (year === undefined || !literal("-")) return undefined;
  const month = fixed(2);
  if (month === undefined || !literal("-")) return undefined;
  const day = fixed(2);
  if (day === undefined) return undefined;
  const fields: IsoFields = { year, month, day, hours: 0, minutes: 0, seconds: 0, fraction: "" };
  if (index === text.length) return fields;
  if (!(literal("T") || literal("t") || literal(" "))) return undefined;
  const hours = fixed(2);
  if (hours === undefined || !literal(":")) return undefined;
  const minutes = fixed(2);
  if (minutes === undefined) return undefined;
  fields.hours = hours;
  fields.minutes = minutes;
  if (literal(":")) {
    const seconds = fixed(2);
    if (seconds === undefined) return undefined;
    fields.seconds = seconds;
    if (literal(".")) {
      const fractionEnd = digitsEnd(text, index);
      const length = fractionEnd - index;
      if (length < 1 || length > 9) return undefined;
      fields.fraction = text.slice(index, fractionEnd);
      index = fractionEnd;
    }
  }
  if (literal("Z") || literal("z")) return index === text.length ? fields : undefined;
  const sign = text[index];
  if (sign === "+" || sign === "-") {
    index++;
    const offsetHours = fixed(2);
    if (offsetHours === undefined) return undefined;
    let offsetMinutes = 0;
    if (index < text.length) {
      literal(":");
      const read = fixed(2);
      if (read === undefined) return undefined;
      offsetMinutes = read;
    }
    fields.offset = { sign: sign === "-" ? -1 : 1, hours: offsetHours, minutes: offsetMinutes };
  }
  return index === text.length ? fields : undefined;
}

export type DateToken = "YYYY" | "SSS" | "MM" | "DD" | "HH" | "mm" | "ss" | "ZZ" | "Z";

/** The token of a date pattern that starts at `index`, longest first (ZZ before Z), if any. */
function dateTokenAt(pattern: string, index: number): DateToken | undefined {
  const character = pattern[index];
  const next = pattern[index + 1];
  switch (character) {
    case "Y":
      return pattern.startsWith("YYYY", index) ? "YYYY" : undefined;
    case "S":
      return pattern.startsWith("SSS", index) ? "SSS" : undefined;
    case "Z":
      return next === "Z" ? "ZZ" : "Z";
    case "M":
    case "D":
    case "H":
    case "m":
    case "s":
      return next === character ? (`${character}${character}` as DateToken) : undefined;
    default:
      return undefined;
  }
}

/**
 * Writes a date pattern: each token is replaced by `valueFor(token)`, text in `[brackets]` is copied
 * without the brackets, every other character as it is. A `[` with no `]` after it is copied as
 * text. `append` gets the pieces in order (so the caller can stop an over-long result early).
 */
export function writeDatePattern(
  pattern: string,
  valueFor: (token: DateToken) => string,
  append: (piece: string) => void,
): void {
  // Where the next `]` is, found once for the whole scan: a pattern of many `[` must not search
  // for a `]` from each of them.
  let closing = pattern.indexOf("]");
  let textStart = 0;
  let index = 0;
  const flushText = (end: number) => {
    if (end > textStart) append(pattern.slice(textStart, end));
  };
  while (index < pattern.length) {
    if (pattern[index] === "[") {
      if (closing !== -1 && closing < index) closing = pattern.indexOf("]", index);
      if (closing !== -1) {
        flushText(index);
        append(pattern.slice(index + 1, closing));
        index = closing + 1;
        textStart = index;
        continue;
      }
    }
    const token = dateTokenAt(pattern, index);
    if (token === undefined) {
      index++;
      continue;
    }
    flushText(index);
    append(valueFor(token));
    index += token.length;
    textStart = index;
  }
  flushText(pattern.length);
}
