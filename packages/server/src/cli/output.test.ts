import { describe, expect, it } from "vitest";
import { fields, render, table } from "./output.ts";

describe("CLI output", () => {
  const rows = [
    { id: "A1", name: "short" },
    { id: "B22", name: `a long name ${"x".repeat(60)}\nwith a line break` },
  ];
  const columns = [
    { header: "ID", value: (row: (typeof rows)[number]) => row.id },
    { header: "NAME", value: (row: (typeof rows)[number]) => row.name },
  ];

  it("aligns columns under their headers, one line a row, long cells cut", () => {
    const lines = table(rows, columns).split("\n");
    expect(lines[0]).toBe("ID   NAME");
    expect(lines[1]).toBe("A1   short");
    expect(lines[2]).toMatch(/^B22 {2}a long name x+…$/);
    expect(lines[2]).toHaveLength(5 + 48);
    expect(lines[3]).toBe("");
    expect(table([], columns)).toBe("(none)\n");
  });

  it("prints one object as field and value lines, nested values as JSON", () => {
    expect(fields({ executionId: "E1", duplicate: false, nested: { a: 1 }, absent: undefined })).toBe(
      'FIELD        VALUE\nexecutionId  E1\nduplicate    false\nnested       {"a":1}\n',
    );
  });

  it("renders JSON and YAML whole, whatever the table would show", async () => {
    expect(await render(rows, "json", () => "table")).toBe(`${JSON.stringify(rows, null, 2)}\n`);
    expect(await render({ id: "A1" }, "yaml", () => "table")).toBe("id: A1\n");
    expect(await render(rows, "table", () => "table")).toBe("table");
  });
});
