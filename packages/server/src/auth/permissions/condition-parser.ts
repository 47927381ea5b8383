// A recursive-descent parser for statement conditions, one method per precedence level:
//   or       a or b   (also ||)
//   and      a and b  (also &&)
//   not      not a    (also !)
//   atom     ( a ) | ipAddress("cidr", …) | value op value
//   value    "text" | date(y, m, d) | dateTime(y, m, d, h, mi, s) | currentDate | currentDateTime
//            | pathVariable("name") | samUserName
// Types are checked while parsing (times compare with times, text with text; text only with == and
// !=), so a condition that parses can always be evaluated.
import ipaddr from "ipaddr.js";
import {
  type ConditionPunctuator,
  type ConditionToken,
  conditionError,
  tokenizeCondition,
} from "./condition-lexer.ts";

export type ComparisonOperator = "==" | "!=" | "<" | "<=" | ">" | ">=";

export type ConditionValue =
  | { readonly kind: "text"; readonly value: string }
  | { readonly kind: "time"; readonly epochMs: number }
  | { readonly kind: "currentDate" }
  | { readonly kind: "currentDateTime" }
  | { readonly kind: "pathVariable"; readonly name: string }
  | { readonly kind: "samUserName" };

export type Condition =
  | { readonly kind: "or" | "and"; readonly operands: readonly Condition[] }
  | { readonly kind: "not"; readonly operand: Condition }
  | { readonly kind: "ipAddress"; readonly ranges: readonly (readonly [ipaddr.IPv4 | ipaddr.IPv6, number])[] }
  | {
      readonly kind: "compare";
      readonly operator: ComparisonOperator;
      readonly left: ConditionValue;
      readonly right: ConditionValue;
    };

/** Long enough for a list of a few dozen address ranges; longer conditions are refused. */
export const MAX_CONDITION_LENGTH = 2_000;
/** Brackets and `not` nest at most this deep, so parsing never exhausts the stack. */
const MAX_NESTING = 32;

const COMPARISONS: ReadonlySet<ConditionPunctuator> = new Set(["==", "!=", "<", "<=", ">", ">="]);

type ValueType = "text" | "time";
const TYPE_OF: Record<ConditionValue["kind"], ValueType> = {
  text: "text",
  time: "time",
  currentDate: "time",
  currentDateTime: "time",
  pathVariable: "text",
  samUserName: "text",
};

/** Parses `source`; `where` names the condition in error messages ("statements[0].condition"). */
export function parseCondition(source: string, where: string): Condition {
  if (source.length > MAX_CONDITION_LENGTH)
    throw conditionError(
      `Condition is longer than ${MAX_CONDITION_LENGTH} characters`,
      MAX_CONDITION_LENGTH,
      where,
    );
  const parser = new ConditionParser(tokenizeCondition(source, where), where);
  if (parser.atEnd()) throw conditionError("Condition is empty", 0, where);
  const condition = parser.parseOr(0);
  if (!parser.atEnd()) throw parser.unexpected("expected 'and', 'or' or the end of the condition");
  return condition;
}

class ConditionParser {
  private index = 0;

  constructor(
    private readonly tokens: readonly ConditionToken[],
    private readonly where: string,
  ) {}

  get token(): ConditionToken {
    return this.tokens[this.index] as ConditionToken;
  }

  atEnd(): boolean {
    return this.token.kind === "end";
  }

  parseOr(depth: number): Condition {
    const operands = [this.parseAnd(depth)];
    while (this.isKeyword("or", "||")) {
      this.index++;
      operands.push(this.parseAnd(depth));
    }
    return operands.length === 1 ? (operands[0] as Condition) : { kind: "or", operands };
  }

  private parseAnd(depth: number): Condition {
    const operands = [this.parseNot(depth)];
    while (this.isKeyword("and", "&&")) {
      this.index++;
      operands.push(this.parseNot(depth));
    }
    return operands.length === 1 ? (operands[0] as Condition) : { kind: "and", operands };
  }

  private parseNot(depth: number): Condition {
    if (!this.isKeyword("not", "!")) return this.parseAtom(depth);
    this.enter(depth);
    this.index++;
    return { kind: "not", operand: this.parseNot(depth + 1) };
  }

  private parseAtom(depth: number): Condition {
    const token = this.token;
    if (this.isPunctuator("(")) {
      this.enter(depth);
      this.index++;
      const inner = this.parseOr(depth + 1);
      this.expectPunctuator(")", `expected ')' to close the '(' at column ${token.start + 1}`);
      return inner;
    }
    if (token.kind === "identifier" && token.name === "ipAddress") return this.parseIpAddress();
    const left = this.parseValue();
    const operatorToken = this.token;
    if (operatorToken.kind !== "punctuator" || !COMPARISONS.has(operatorToken.text))
      throw this.unexpected("expected a comparison (== != < <= > >=)");
    const operator = operatorToken.text as ComparisonOperator;
    this.index++;
    const rightStart = this.token.start;
    const right = this.parseValue();
    const leftType = TYPE_OF[left.kind];
    if (leftType !== TYPE_OF[right.kind])
      throw conditionError(
        `Cannot compare ${describeType(leftType)} with ${describeType(TYPE_OF[right.kind])}`,
        rightStart,
        this.where,
      );
    if (leftType === "text" && operator !== "==" && operator !== "!=")
      throw conditionError(
        `Text can only be compared with == or !=, not ${operator}`,
        operatorToken.start,
        this.where,
      );
    return { kind: "compare", operator, left, right };
  }

  private parseValue(): ConditionValue {
    const token = this.token;
    if (token.kind === "string") {
      this.index++;
      return { kind: "text", value: token.value };
    }
    if (token.kind !== "identifier") throw this.unexpected('expected a value such as currentDate or "text"');
    this.index++;
    switch (token.name) {
      case "currentDate":
      case "currentDateTime":
      case "samUserName":
        return { kind: token.name };
      case "pathVariable": {
        const [name] = this.parseArguments("pathVariable", ["string"], 1);
        return { kind: "pathVariable", name: name as string };
      }
      case "date": {
        const parts = this.parseArguments("date", ["number", "number", "number"], 3);
        return { kind: "time", epochMs: this.timeOf(parts as number[], token.start) };
      }
      case "dateTime": {
        const parts = this.parseArguments("dateTime", Array(6).fill("number"), 6);
        return { kind: "time", epochMs: this.timeOf(parts as number[], token.start) };
      }
      default:
        throw conditionError(
          `Unknown name '${token.name}' (known: currentDate, currentDateTime, date, dateTime, ipAddress, pathVariable, samUserName)`,
          token.start,
          this.where,
        );
    }
  }

  private parseIpAddress(): Condition {
    this.index++;
    const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
    this.expectPunctuator("(", "expected '(' after ipAddress");
    do {
      const token = this.token;
      if (token.kind !== "string")
        throw this.unexpected('expected an address range in quotes, e.g. "10.0.0.0/8"');
      ranges.push(this.rangeOf(token.value, token.start));
      this.index++;
    } while (this.skipPunctuator(","));
    this.expectPunctuator(")", "expected ',' or ')' after the address range");
    return { kind: "ipAddress", ranges };
  }

  /** Arguments of a call whose name was just read: `(a, b, …)` with exactly the given kinds. */
  private parseArguments(
    name: string,
    kinds: readonly ("string" | "number")[],
    count: number,
  ): (string | number)[] {
    this.expectPunctuator("(", `expected '(' after ${name}`);
    const values: (string | number)[] = [];
    for (let position = 0; position < count; position++) {
      if (position > 0) this.expectPunctuator(",", `${name} takes ${count} arguments; expected ','`);
      const token = this.token;
      const kind = kinds[position];
      if (kind === "string" && token.kind === "string") values.push(token.value);
      else if (kind === "number" && token.kind === "number") values.push(token.value);
      else
        throw this.unexpected(
          `expected ${kind === "string" ? "a string in quotes" : "a whole number"} as argument ${position + 1} of ${name}`,
        );
      this.index++;
    }
    this.expectPunctuator(")", `${name} takes ${count} argument${count === 1 ? "" : "s"}; expected ')'`);
    return values;
  }

  /** UTC, as SORACOM's date() and dateTime() are; refuses dates that do not exist (2027-02-30). */
  private timeOf(
    [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0]: number[],
    offset: number,
  ): number {
    const epochMs = Date.UTC(year, month - 1, day, hour, minute, second);
    const back = new Date(epochMs);
    const exists =
      year >= 1970 &&
      year <= 9999 &&
      back.getUTCFullYear() === year &&
      back.getUTCMonth() === month - 1 &&
      back.getUTCDate() === day &&
      back.getUTCHours() === hour &&
      back.getUTCMinutes() === minute &&
      back.getUTCSeconds() === second;
    if (!exists) throw conditionError("No such date or time", offset, this.where);
    return epochMs;
  }

  private rangeOf(text: string, offset: number): [ipaddr.IPv4 | ipaddr.IPv6, number] {
    const isV4 = ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv4.isValidCIDRFourPartDecimal(text);
    const isV6 = ipaddr.IPv6.isValid(text) || ipaddr.IPv6.isValidCIDR(text);
    if (!isV4 && !isV6)
      throw conditionError(
        `'${text}' is not an IP address or range such as "10.0.0.0/8" or "2001:db8::/32"`,
        offset,
        this.where,
      );
    if (text.includes("/")) return ipaddr.parseCIDR(text);
    const address = ipaddr.parse(text);
    return [address, address.kind() === "ipv4" ? 32 : 128];
  }

  private enter(depth: number): void {
    if (depth >= MAX_NESTING)
      throw conditionError(`Condition nests deeper than ${MAX_NESTING} levels`, this.token.start, this.where);
  }

  private isKeyword(word: string, symbol: ConditionPunctuator): boolean {
    const token = this.token;
    return (
      (token.kind === "identifier" && token.name === word) ||
      (token.kind === "punctuator" && token.text === symbol)
    );
  }

  private isPunctuator(text: ConditionPunctuator): boolean {
    const token = this.token;
    return token.kind === "punctuator" && token.text === text;
  }

  private skipPunctuator(text: ConditionPunctuator): boolean {
    if (!this.isPunctuator(text)) return false;
    this.index++;
    return true;
  }

  private expectPunctuator(text: ConditionPunctuator, expectation: string): void {
    if (!this.skipPunctuator(text)) throw this.unexpected(expectation);
  }

  unexpected(expectation: string) {
    const token = this.token;
    const found =
      token.kind === "end"
        ? "end of condition"
        : token.kind === "identifier"
          ? `'${token.name}'`
          : token.kind === "string"
            ? `"${token.value}"`
            : token.kind === "number"
              ? `${token.value}`
              : `'${token.text}'`;
    return conditionError(`Unexpected ${found}, ${expectation}`, token.start, this.where);
  }
}

function describeType(type: ValueType): string {
  return type === "text" ? "text" : "a date";
}
