// Every function of the catalogue, the lexer, the parser and templates do work linear in their input,
// and an evaluation stops at its budget: no message can hold the event loop of a shared server.
// The bounds are wall-clock with a wide margin (the CI machine is shared), far below what a
// quadratic scan needs on the same input: toNumber on 30,000 digits took 2 s before it was linear.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileExpression, compileTemplate, ExpressionError } from "./index.ts";
import { MAX_STRING_LENGTH } from "./limits.ts";

/** Generous: 150 ms plus 3 µs a character (a linear scan of 1 MiB takes a few ms). */
function boundFor(characters: number): number {
  return 150 + characters * 0.003;
}

function timed(work: () => unknown): number {
  const started = performance.now();
  try {
    work();
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
  }
  return performance.now() - started;
}

// Pieces that make backtracking engines and naive scanners slow when repeated.
const piece = fc.constantFrom(
  "1",
  "9.",
  "1e",
  "+",
  "[",
  "[a",
  "]",
  "Y",
  "YYY",
  "Z",
  "S",
  "2024-",
  "0",
  "a",
  "aa",
  " ",
  "\t",
  "\\",
  '"',
  "${",
  "{",
  "e",
  ".",
);
const tail = fc.constantFrom("", "x", "]", "!", "\u0000", "1", "a", "Z");
/** A piece repeated thousands of times and a tail that spoils the match at the very end. */
const adversarialText = fc
  .tuple(piece, fc.integer({ min: 1, max: 60_000 }), tail)
  .map(([repeated, count, end]) => repeated.repeat(count).slice(0, 120_000) + end);

const textCalls = [
  "toNumber(payload.s)",
  "formatDate(0, payload.s)",
  "formatDate(0, 'YYYY', payload.s)",
  "datetimeFromISOString(payload.s)",
  "trim(payload.s)",
  "toUpperCase(payload.s)",
  "toLowerCase(payload.s)",
  "len(payload.s)",
  "toString(payload.s)",
  "jsonStringify(payload.s)",
  "jsonParse(payload.s)",
  "split(payload.s, payload.t)",
  "join(split(payload.s, payload.t), payload.t)",
  "replace(payload.s, payload.t, 'x')",
  "replace(payload.s, payload.t, payload.t)",
  "contains(payload.s, payload.t)",
  "startsWith(payload.s, payload.t)",
  "endsWith(payload.s, payload.t)",
  "substring(payload.s, 1, 100000)",
  "payload.s + payload.t",
  "payload.s == payload.t",
  "payload.s < payload.t",
];

describe("every function is linear in its input", () => {
  for (const source of textCalls) {
    it(`${source} finishes within a bound proportional to its input`, () => {
      const expression = compileExpression(source);
      fc.assert(
        fc.property(adversarialText, adversarialText, (s, t) => {
          const elapsed = timed(() => expression.evaluate({ payload: { s, t: t.slice(0, 2_000) } }));
          expect(elapsed).toBeLessThan(boundFor(s.length + t.length));
        }),
        { numRuns: 25 },
      );
    });
  }

  it("toNumber reads 30,000 digits followed by a letter quickly (it backtracked for 2 s)", () => {
    const expression = compileExpression("toNumber(payload.s)");
    const s = `${"1".repeat(30_000)}x`;
    expect(timed(() => expression.evaluate({ payload: { s } }))).toBeLessThan(boundFor(s.length));
    expect(expression.evaluate({ payload: { s } })).toBeNull();
  });

  it("formatDate with a pattern of many '[' is quick (it backtracked for 2.6 s)", () => {
    const expression = compileExpression("formatDate(0, payload.s)");
    const s = "[".repeat(100_000);
    expect(timed(() => expression.evaluate({ payload: { s } }))).toBeLessThan(boundFor(s.length));
    expect(expression.evaluate({ payload: { s } })).toBe(s);
  });

  it("a pattern built inside a template with replace, near the string limit, is quick (it froze for 19 s)", () => {
    const template = compileTemplate("${formatDate(0, replace(payload.s, 'a', '[[[[[[[['))}", "text");
    const s = "a".repeat(MAX_STRING_LENGTH / 8 - 1);
    const elapsed = timed(() => template.render({ payload: { s } }));
    expect(elapsed).toBeLessThan(boundFor(MAX_STRING_LENGTH));
  });
});

describe("the lexer, the parser and templates are linear in their source", () => {
  const adversarialSource = fc
    .tuple(piece, fc.integer({ min: 1, max: 8_000 }), tail)
    .map(([repeated, count, end]) => repeated.repeat(count).slice(0, 16_000) + end);

  it("any source compiles or fails with an ExpressionError, quickly", () => {
    fc.assert(
      fc.property(fc.oneof(adversarialSource, fc.string({ maxLength: 200 })), (source) => {
        expect(timed(() => compileExpression(source))).toBeLessThan(boundFor(source.length));
        expect(timed(() => compileTemplate(source, "text"))).toBeLessThan(boundFor(source.length));
        expect(timed(() => compileTemplate(source, "json"))).toBeLessThan(boundFor(source.length));
      }),
      { numRuns: 200 },
    );
  });

  it("any well-formed expression of the grammar evaluates or fails with an ExpressionError", () => {
    const { expression } = fc.letrec((tie) => ({
      expression: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        fc.constantFrom("payload.s", "payload.n", "1", "'a'", "null", "true", "[1,2]", "{a: 1}"),
        fc
          .tuple(
            tie("expression"),
            fc.constantFrom("+", "-", "*", "/", "%", "==", "<", "&&", "||"),
            tie("expression"),
          )
          .map(([left, operator, right]) => `(${left} ${operator} ${right})`),
        fc
          .tuple(
            fc.constantFrom(
              "len",
              "toNumber",
              "toString",
              "trim",
              "jsonStringify",
              "split",
              "join",
              "replace",
              "formatDate",
            ),
            fc.array(tie("expression"), { maxLength: 3 }),
          )
          .map(([name, args]) => `${name}(${args.join(", ")})`),
        fc
          .tuple(tie("expression"), tie("expression"), tie("expression"))
          .map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
      ),
    }));
    fc.assert(
      fc.property(expression, (source) => {
        const elapsed = timed(() =>
          compileExpression(source).evaluate({ payload: { s: "[".repeat(5_000), n: 7 } }),
        );
        expect(elapsed).toBeLessThan(boundFor(source.length + 5_000));
      }),
      { numRuns: 300 },
    );
  });
});

describe("an evaluation stops at its budget", () => {
  it("many large results in one expression fail with expression_limit instead of running on", () => {
    const big = "len(replace(payload.s, 'a', 'aaaa'))";
    const expression = compileExpression(Array.from({ length: 300 }, () => big).join(" + "));
    const s = "a".repeat(MAX_STRING_LENGTH / 4);
    let caught: unknown;
    const elapsed = timed(() => {
      try {
        expression.evaluate({ payload: { s } });
      } catch (error) {
        caught = error;
        throw error;
      }
    });
    expect(caught).toBeInstanceOf(ExpressionError);
    expect((caught as ExpressionError).code).toBe("expression_limit");
    expect((caught as ExpressionError).message).toMatch(/budget/);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("a template's parts share one budget", () => {
    const part = "${len(replace(payload.s, 'a', 'aaaa'))}";
    const template = compileTemplate(Array.from({ length: 300 }, () => part).join(","), "text");
    const s = "a".repeat(MAX_STRING_LENGTH / 4);
    expect(() => template.render({ payload: { s } })).toThrow(/budget/);
  });

  it("ordinary expressions stay far inside the budget", () => {
    const expression = compileExpression("len(replace(payload.s, 'a', 'bb')) + len(split(payload.s, ''))");
    expect(expression.evaluate({ payload: { s: "a".repeat(100_000) } })).toBe(300_000);
  });
});
