// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ExpressionField } from "./ExpressionField.tsx";
import { checkExpression } from "./expression-assist.ts";

afterEach(cleanup);

const condition = { kind: "condition" } as const;
const scope = { contextKeys: ["eventType"] };

describe("ExpressionField", () => {
  it("shows a syntax error under the field, labelled, with the column", async () => {
    render(
      <ExpressionField
        label="Condition"
        value="payload.temp > ) 8"
        onChange={() => {}}
        kind={condition}
        check={(source) => checkExpression(source, condition)}
        scope={scope}
      />,
    );
    const textbox = screen.getByLabelText("Condition");
    expect(textbox.getAttribute("contenteditable")).toBe("true");
    expect(screen.getByRole("alert").textContent).toMatch(/at column 16/);
    expect(textbox.getAttribute("aria-describedby")).toBe(screen.getByRole("alert").id);
    // the lint diagnostic underlines the 16th character, the stray ")"
    await waitFor(() => expect(document.querySelector(".cm-lintRange-error")?.textContent).toBe(")"));
  });

  it("shows a problem located at the field by the server, underlined at its column", async () => {
    render(
      <ExpressionField
        label="URL"
        value="https://x"
        onChange={() => {}}
        kind={{ kind: "template", mode: "text" }}
        check={() => undefined}
        problems={[{ message: "private address refused", column: 5 }]}
        scope={scope}
      />,
    );
    expect(screen.getByRole("alert").textContent).toBe("private address refused");
    await waitFor(() => expect(document.querySelector(".cm-lintRange-error")?.textContent).toBe("s"));
  });

  it("reports typing and follows the value it is given", async () => {
    const onChange = vi.fn();
    const field = (value: string) => (
      <ExpressionField
        label="Condition"
        value={value}
        onChange={onChange}
        kind={condition}
        check={() => undefined}
        scope={scope}
      />
    );
    const { rerender } = render(field("a"));
    rerender(field("payload.x"));
    expect(screen.getByLabelText("Condition").textContent).toBe("payload.x");
    expect(onChange).not.toHaveBeenCalled();
  });
});
