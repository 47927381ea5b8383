// The syntax tree and a recursive-descent parser, one method per precedence level:
//   conditional  a ? b : c            (right-associative)
//   or / and     a || b, a && b       (one n-ary node per run of the same operator)
//   equality     == != (=== !== are aliases)
//   relational   < <= > >=
//   additive     + -
//   multiplicative * / %
//   unary        ! -
//   postfix      a.b  a[b]            (one path node per chain of steps)
//   primary      literals, variables, f(args), (a), [..], {..}
// Runs of one precedence level become flat nodes, not left-deep trees, so `1+1+1+…` or
// `a.b.c.…` thousands long stays shallow for the evaluator. Real nesting (brackets, unary
// operators, `? :` branches) is counted and refused past MAX_NESTING_DEPTH before recursing.
import { ExpressionError } from "./errors.ts";
import { Lexer, type Punctuator, type Token } from "./lexer.ts";
import { MAX_NESTING_DEPTH } from "./limits.ts";

export type BinaryOperator = "*" | "/" | "%" | "+" | "-" | "<" | "<=" | ">" | ">=" | "==" | "!=";
export type LogicalOperator = "&&" | "||";

export type PathStep =
  | { readonly kind: "member"; readonly name: string }
  | { readonly kind: "index"; readonly index: Node };

export type Node =
  | { readonly kind: "literal"; readonly value: null | boolean | number | string; readonly column: number }
  | { readonly kind: "variable"; readonly name: string; readonly column: number }
  | {
      readonly kind: "path";
      readonly base: Node;
      readonly steps: readonly PathStep[];
      readonly column: number;
    }
  | { readonly kind: "array"; readonly elements: readonly Node[]; readonly column: number }
  | {
      readonly kind: "object";
      readonly entries: readonly { readonly key: string; readonly value: Node }[];
      readonly column: number;
    }
  | { readonly kind: "call"; readonly name: string; readonly args: readonly Node[]; readonly column: number }
  | { readonly kind: "unary"; readonly operator: "!" | "-"; readonly operand: Node; readonly column: number }
  | {
      readonly kind: "binary";
      readonly first: Node;
      readonly rest: readonly {
        readonly operator: BinaryOperator;
        readonly operand: Node;
        readonly column: number;
      }[];
      readonly column: number;
    }
  | {
      readonly kind: "logical";
      readonly operator: LogicalOperator;
      readonly operands: readonly Node[];
      readonly column: number;
    }
  | {
      readonly kind: "conditional";
      readonly test: Node;
      readonly consequent: Node;
      readonly alternate: Node;
      readonly column: number;
    };

/** Parses a whole expression; anything after it is a syntax error. Offsets count from 0 in `source`. */
export function parseExpression(source: string): Node {
  const parser = new Parser(source, 0);
  if (parser.token.kind === "end") {
    throw new ExpressionError("expression_syntax", "Expression is empty", 1);
  }
  const node = parser.parseExpression();
  parser.expectEnd();
  return node;
}

/**
 * Parses the expression of a template part that starts at `start` (just after `${`) and ends with
 * `}`. Returns the offset just after that `}`. Columns are positions in the whole `source`.
 */
export function parseEmbeddedExpression(source: string, start: number): { node: Node; end: number } {
  const parser = new Parser(source, start);
  if (parser.isPunctuator("}")) {
    throw new ExpressionError("expression_syntax", `Empty \${} placeholder`, start - 1);
  }
  const node = parser.parseExpression();
  if (!parser.isPunctuator("}")) {
    throw parser.unexpected(`expected '}' to close the '\${' at column ${start - 1}`);
  }
  return { node, end: parser.token.end };
}

const EQUALITY: ReadonlyMap<Punctuator, BinaryOperator> = new Map<Punctuator, BinaryOperator>([
  ["==", "=="],
  ["===", "=="],
  ["!=", "!="],
  ["!==", "!="],
]);
const RELATIONAL: ReadonlyMap<Punctuator, BinaryOperator> = new Map<Punctuator, BinaryOperator>([
  ["<", "<"],
  ["<=", "<="],
  [">", ">"],
  [">=", ">="],
]);
const ADDITIVE: ReadonlyMap<Punctuator, BinaryOperator> = new Map<Punctuator, BinaryOperator>([
  ["+", "+"],
  ["-", "-"],
]);
const MULTIPLICATIVE: ReadonlyMap<Punctuator, BinaryOperator> = new Map<Punctuator, BinaryOperator>([
  ["*", "*"],
  ["/", "/"],
  ["%", "%"],
]);

/** Binary operators from the loosest to the tightest binding. */
const BINARY_LEVELS: readonly ReadonlyMap<Punctuator, BinaryOperator>[] = [
  EQUALITY,
  RELATIONAL,
  ADDITIVE,
  MULTIPLICATIVE,
];

function describeToken(token: Token): string {
  switch (token.kind) {
    case "end":
      return "end of expression";
    case "number":
      return `number ${token.value}`;
    case "string":
      return "string";
    case "identifier":
      return `'${token.name}'`;
    case "punctuator":
      return `'${token.text}'`;
  }
}

class Parser {
  private readonly lexer: Lexer;
  token: Token;
  private depth = 0;

  constructor(source: string, start: number) {
    this.lexer = new Lexer(source, start);
    this.token = this.lexer.next();
  }

  parseExpression(): Node {
    const test = this.parseLogical("||");
    if (!this.isPunctuator("?")) return test;
    const column = this.column();
    this.advance();
    const consequent = this.parseNested(column);
    const colon = this.column();
    this.expect(":", "in '? :'");
    const alternate = this.parseNested(colon);
    return { kind: "conditional", test, consequent, alternate, column };
  }

  expectEnd(): void {
    if (this.token.kind !== "end") throw this.unexpected("expected an operator or the end of the expression");
  }

  isPunctuator(text: Punctuator): boolean {
    return this.token.kind === "punctuator" && this.token.text === text;
  }

  unexpected(expectation: string): ExpressionError {
    return new ExpressionError(
      "expression_syntax",
      `Unexpected ${describeToken(this.token)} (${expectation})`,
      this.column(),
    );
  }

  private column(): number {
    return this.token.start + 1;
  }

  private advance(): void {
    this.token = this.lexer.next();
  }

  private expect(text: Punctuator, where: string): void {
    if (!this.isPunctuator(text)) throw this.unexpected(`expected '${text}' ${where}`);
    this.advance();
  }

  /**
   * Runs `parse` one nesting level deeper, refusing before the JS stack could become a problem.
   * `column` is that of the bracket or operator that opens the level.
   */
  private nested<T>(column: number, parse: () => T): T {
    if (this.depth >= MAX_NESTING_DEPTH) {
      throw new ExpressionError(
        "expression_limit",
        `Expression is nested deeper than the limit of ${MAX_NESTING_DEPTH} levels`,
        column,
      );
    }
    this.depth++;
    const node = parse();
    this.depth--;
    return node;
  }

  private parseNested(column: number): Node {
    return this.nested(column, () => this.parseExpression());
  }

  private parseLogical(operator: LogicalOperator): Node {
    const parseOperand = (): Node => (operator === "||" ? this.parseLogical("&&") : this.parseBinary(0));
    const first = parseOperand();
    if (!this.isPunctuator(operator)) return first;
    const column = this.column();
    const operands = [first];
    while (this.isPunctuator(operator)) {
      this.advance();
      operands.push(parseOperand());
    }
    return { kind: "logical", operator, operands, column };
  }

  /** One level of BINARY_LEVELS; its operands are the next level, or unary expressions after the last. */
  private parseBinary(level: number): Node {
    const operators = BINARY_LEVELS[level];
    if (operators === undefined) return this.parseUnary();
    const parseOperand = (): Node => this.parseBinary(level + 1);
    const first = parseOperand();
    const rest: { operator: BinaryOperator; operand: Node; column: number }[] = [];
    for (;;) {
      const token = this.token;
      const operator = token.kind === "punctuator" ? operators.get(token.text) : undefined;
      if (operator === undefined) break;
      this.advance();
      rest.push({ operator, operand: parseOperand(), column: token.start + 1 });
    }
    if (rest.length === 0) return first;
    return { kind: "binary", first, rest, column: rest[0]?.column ?? first.column };
  }

  private parseUnary(): Node {
    const token = this.token;
    if (token.kind === "punctuator" && (token.text === "!" || token.text === "-")) {
      this.advance();
      const operand = this.nested(token.start + 1, () => this.parseUnary());
      return { kind: "unary", operator: token.text, operand, column: token.start + 1 };
    }
    if (token.kind === "punctuator" && token.text === "+") {
      throw this.unexpected("unary '+' is not supported; use toNumber(x) to convert");
    }
    return this.parsePostfix();
  }

  private parsePostfix(): Node {
    const base = this.parsePrimary();
    const steps: PathStep[] = [];
    for (;;) {
      if (this.isPunctuator(".")) {
        this.advance();
        const token = this.token;
        if (token.kind !== "identifier") throw this.unexpected("expected a field name after '.'");
        steps.push({ kind: "member", name: token.name });
        this.advance();
      } else if (this.isPunctuator("[")) {
        const column = this.column();
        this.advance();
        const index = this.parseNested(column);
        this.expect("]", "to close '['");
        steps.push({ kind: "index", index });
      } else if (this.isPunctuator("(")) {
        throw this.unexpected("only built-in functions can be called, by name, as in len(x)");
      } else {
        break;
      }
    }
    return steps.length === 0 ? base : { kind: "path", base, steps, column: base.column };
  }

  private parsePrimary(): Node {
    const token = this.token;
    const column = token.start + 1;
    switch (token.kind) {
      case "number":
      case "string":
        this.advance();
        return { kind: "literal", value: token.value, column };
      case "identifier":
        this.advance();
        if (token.name === "true" || token.name === "false") {
          return { kind: "literal", value: token.name === "true", column };
        }
        if (token.name === "null") return { kind: "literal", value: null, column };
        if (this.isPunctuator("(")) {
          const args = this.parseList(")");
          return { kind: "call", name: token.name, args, column };
        }
        return { kind: "variable", name: token.name, column };
      case "punctuator":
        if (token.text === "(") {
          this.advance();
          const node = this.parseNested(column);
          this.expect(")", `to close the '(' at column ${column}`);
          return node;
        }
        if (token.text === "[") return { kind: "array", elements: this.parseList("]"), column };
        if (token.text === "{") return this.parseObject(column);
        break;
      case "end":
        break;
    }
    throw this.unexpected("expected a value");
  }

  /** Comma-separated expressions from the current `(` or `[` up to `close`: call arguments, array elements. */
  private parseList(close: ")" | "]"): Node[] {
    return this.nested(this.column(), () => {
      this.advance();
      return this.parseListItems(close);
    });
  }

  private parseListItems(close: ")" | "]"): Node[] {
    const items: Node[] = [];
    if (this.isPunctuator(close)) {
      this.advance();
      return items;
    }
    for (;;) {
      items.push(this.parseExpression());
      if (this.isPunctuator(close)) {
        this.advance();
        return items;
      }
      this.expect(",", `or '${close}'`);
    }
  }

  /** `{ key: value, … }` from the current `{`, which is at `column`. */
  private parseObject(column: number): Node {
    return this.nested(column, () => {
      this.advance();
      return this.parseObjectEntries(column);
    });
  }

  private parseObjectEntries(column: number): Node {
    const entries: { key: string; value: Node }[] = [];
    if (this.isPunctuator("}")) {
      this.advance();
      return { kind: "object", entries, column };
    }
    for (;;) {
      const token = this.token;
      let key: string;
      if (token.kind === "identifier") key = token.name;
      else if (token.kind === "string") key = token.value;
      else throw this.unexpected("expected a key: a name or a quoted string");
      this.advance();
      this.expect(":", "after an object key");
      entries.push({ key, value: this.parseExpression() });
      if (this.isPunctuator("}")) {
        this.advance();
        return { kind: "object", entries, column };
      }
      this.expect(",", "or '}'");
    }
  }
}
