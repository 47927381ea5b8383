// Runs every example in docs/code-action.md, so the user documentation cannot drift from the code.
// An example is a `js code-example` block followed by a `json code-result` block: either
// `{ "result", "logs" }` or `{ "error": <code>, "message"?: <exact message> }`.
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { runUserCode, SandboxError, type SandboxInput } from "./quickjs.ts";

const markdown = readFileSync(new URL("../../../../docs/code-action.md", import.meta.url), "utf8");

function blocks(kind: string): string[] {
  const fence = new RegExp(`^\`\`\`\\w+ ${kind}\\n([\\s\\S]*?)^\`\`\`$`, "gm");
  return [...markdown.matchAll(fence)].map((match) => match[1] ?? "");
}

type Expected = { result: unknown; logs: string[] } | { error: string; message?: string };

const input = JSON.parse(blocks("code-input")[0] ?? "") as SandboxInput;
const sources = blocks("code-example");
const results = blocks("code-result").map((text) => JSON.parse(text) as Expected);

describe("docs/code-action.md", () => {
  test("pairs every example with its result", () => {
    expect(sources.length).toBeGreaterThan(5);
    expect(results).toHaveLength(sources.length);
  });

  test.each(
    sources.map(
      (source, index) => [`${index + 1}: ${source.split("\n")[0]}`, source, results[index]] as const,
    ),
  )("%s", async (_name, source, expected) => {
    const run = runUserCode(source, input);
    if (expected === undefined || !("error" in expected)) {
      await expect(run).resolves.toEqual(expected);
      return;
    }
    const error = await run.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(SandboxError);
    expect(error).toMatchObject(
      expected.message === undefined
        ? { code: expected.error }
        : { code: expected.error, message: expected.message },
    );
  });
});
