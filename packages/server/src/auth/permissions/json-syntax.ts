// JSON.parse says where the text went wrong only for some mistakes ("at position 6") and not for
// others ("Unexpected token '}'"). This strict JSON (RFC 8259) scanner runs only after JSON.parse
// refused a text, to tell the author the line and column of the first mistake.

/** Deeper than any permission; keeps the recursive scan far from the stack limit. */
const MAX_DEPTH = 64;

export interface JsonSyntaxProblem {
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

class JsonSyntaxFailure {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

/** The first syntax mistake in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  const scanner = new JsonScanner(text);
  try {
    scanner.scanDocument();
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonSyntaxFailure)) throw error;
    const before = text.slice(0, error.offset);
    const lineStart = before.lastIndexOf("\n") + 1;
    return { message: error.message, line: before.split("\n").length, column: error.offset - lineStart + 1 };
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

class JsonScanner {
  private offset = 0;

  constructor(private readonly text: string) {}

  scanDocument(): void {
    this.scanValue(0);
    this.skipWhitespace();
    if (this.offset < this.text.length) this.fail("expected the end of the text after the value");
  }

  private scanValue(depth: number): void {
    this.skipWhitespace();
    const character = this.text[this.offset];
    if (character === "{" || character === "[") {
      if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
      this.scanContainer(character, depth + 1);
    } else if (character === '"') this.scanString();
    else if (character === "-" || (character !== undefined && character >= "0" && character <= "9"))
      this.scanNumber();
    else if (!this.skipWord("true") && !this.skipWord("false") && !this.skipWord("null"))
      this.fail("expected a value");
  }

  private scanContainer(open: "{" | "[", depth: number): void {
    const close = open === "{" ? "}" : "]";
    this.offset++;
    this.skipWhitespace();
    if (this.text[this.offset] === close) {
      this.offset++;
      return;
    }
    for (;;) {
      if (open === "{") {
        this.skipWhitespace();
        if (this.text[this.offset] !== '"') this.fail("expected a property name in double quotes");
        this.scanString();
        this.skipWhitespace();
        if (this.text[this.offset] !== ":") this.fail("expected ':' after the property name");
        this.offset++;
      }
      this.scanValue(depth);
      this.skipWhitespace();
      const next = this.text[this.offset];
      this.offset++;
      if (next === close) return;
      if (next !== ",") {
        this.offset--;
        this.fail(`expected ',' or '${close}'`);
      }
    }
  }

  private scanString(): void {
    this.offset++;
    for (;;) {
      const character = this.text[this.offset];
      if (character === undefined) this.fail("the string is not closed");
      if (character === '"') {
        this.offset++;
        return;
      }
      if (character === "\\") {
        ESCAPE.lastIndex = this.offset;
        if (!ESCAPE.test(this.text)) this.fail("invalid escape in string");
        this.offset = ESCAPE.lastIndex;
      } else if ((character as string) < " ") this.fail("control character in string (escape it, e.g. \\n)");
      else this.offset++;
    }
  }

  private scanNumber(): void {
    NUMBER.lastIndex = this.offset;
    const match = NUMBER.exec(this.text);
    if (match === null) this.fail("invalid number");
    this.offset = NUMBER.lastIndex;
  }

  private skipWord(word: string): boolean {
    if (!this.text.startsWith(word, this.offset)) return false;
    this.offset += word.length;
    return true;
  }

  private skipWhitespace(): void {
    while (" \t\n\r".includes(this.text[this.offset] ?? "x")) this.offset++;
  }

  private fail(expectation: string): never {
    const character = this.text[this.offset];
    const found = character === undefined ? "end of text" : `'${character}'`;
    throw new JsonSyntaxFailure(`Unexpected ${found}, ${expectation}`, this.offset);
  }
}
