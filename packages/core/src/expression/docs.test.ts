// Runs every example in docs/expressions.md, so the user documentation cannot drift from the code.
// Example blocks are fenced `text` blocks whose info string names their kind; each line is
// `source → expected`, where expected is JSON or `error <code>`. (Not `js` blocks: Biome would
// reformat them.)
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { compileCondition, compileExpression } from "./compile.ts";
import { ExpressionError } from "./errors.ts";
import { compileTemplate } from "./template.ts";
import { testNow, testScope } from "./test-scope.ts";
import type { JsonValue } from "./values.ts";

const markdown = readFileSync(new URL("../../../../docs/expressions.md", import.meta.url), "utf8");

function blocks(kind: string): string[] {
  const fence = new RegExp(`^\`\`\`\\w+ ${kind}\\n([\\s\\S]*?)^\`\`\`$`, "gm");
  return [...markdown.matchAll(fence)].map((match) => match[1] ?? "");
}

interface Example {
  readonly source: string;
  readonly expected: string;
}

function examples(kind: string): Example[] {
  return blocks(kind)
    .flatMap((block) => block.split("\n"))
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const arrow = line.lastIndexOf("→");
      expect(arrow, `no → in: ${line}`).toBeGreaterThan(0);
      return { source: line.slice(0, arrow).trimEnd(), expected: line.slice(arrow + 1).trim() };
    });
}

function check(example: Example, evaluate: (source: string) => JsonValue): void {
  const error = /^error (\w+)$/.exec(example.expected);
  if (!error) {
    expect(evaluate(example.source)).toEqual(JSON.parse(example.expected));
    return;
  }
  let caught: unknown;
  try {
    evaluate(example.source);
  } catch (thrown) {
    caught = thrown;
  }
  expect(caught).toBeInstanceOf(ExpressionError);
  expect((caught as ExpressionError).code).toBe(error[1]);
}

const options = { now: testNow };
const kinds: Record<string, (source: string) => JsonValue> = {
  expressions: (source) => compileExpression(source).evaluate(testScope, options),
  conditions: (source) => compileCondition(source).evaluate(testScope, options),
  "text-templates": (source) => compileTemplate(source, "text").render(testScope, options),
  "json-templates": (source) => compileTemplate(source, "json").render(testScope, options),
};

describe("docs/expressions.md", () => {
  test("shows the message the examples run against", () => {
    expect(JSON.parse(blocks("example-payload")[0] ?? "")).toEqual(testScope.payload);
    expect(JSON.parse(blocks("example-context")[0] ?? "")).toEqual(testScope.context);
  });

  for (const [kind, evaluate] of Object.entries(kinds)) {
    const list = examples(kind);
    test(`has ${kind} examples`, () => expect(list.length).toBeGreaterThan(5));
    test.each(list.map((example) => [`${example.source} → ${example.expected}`, example] as const))(
      `${kind}: %s`,
      (_name, example) => check(example, evaluate),
    );
  }
});
