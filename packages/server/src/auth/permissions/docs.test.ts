// Every permission in docs/permissions.md parses, so the user documentation cannot drift from the code.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { parsePermission } from "./index.ts";

const markdown = readFileSync(new URL("../../../../../docs/permissions.md", import.meta.url), "utf8");
const examples = [...markdown.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? "");

it("docs/permissions.md has permission examples", () => {
  expect(examples.length).toBeGreaterThanOrEqual(2);
});

it.each(examples)("the documented permission parses: %s", (text) => {
  expect(parsePermission(text).statements.length).toBeGreaterThan(0);
});
