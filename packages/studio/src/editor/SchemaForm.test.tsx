import { emailConfigSchema, slackNotificationConfigSchema, webhookConfigSchema } from "@conflux/core";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { type FormContext, SchemaForm } from "./SchemaForm.tsx";
import { describeConfig } from "./schema-form.ts";

afterEach(cleanup);

function renderForm(schema: z.ZodType, root: unknown) {
  const onChange = vi.fn();
  const context: FormContext = {
    nodeId: "action:a",
    prefix: "config",
    problems: [{ nodeId: "action:a", field: "config.timeoutMs", message: "too small" }],
    credentials: [],
    scope: { contextKeys: [] },
    readOnly: false,
    root,
    onChange,
  };
  render(<SchemaForm fields={describeConfig(schema)} context={context} />);
  return onChange;
}

const labels = Array.from({ length: 20 }, (_, i) => `class-${i}`);

describe("SchemaForm", () => {
  it("a list of many choices is a multiple select; a few are checkboxes", () => {
    const schema = z.object({
      classes: z.array(z.enum(labels as [string, ...string[]])),
      events: z.array(z.enum(["created", "deleted"])),
    });
    const onChange = renderForm(schema, { classes: ["class-1"], events: ["deleted"] });
    const select = screen.getByLabelText("Classes (choose several with Ctrl or Shift)") as HTMLSelectElement;
    expect(select.multiple).toBe(true);
    for (const option of select.options)
      option.selected = option.value === "class-1" || option.value === "class-3";
    fireEvent.change(select);
    expect(onChange).toHaveBeenLastCalledWith(["classes"], ["class-1", "class-3"]);
    fireEvent.click(screen.getByLabelText("created"));
    expect(onChange).toHaveBeenLastCalledWith(["events"], ["created", "deleted"]);
  });

  it("e-mail recipients: one line stays a string, several become a list", () => {
    const onChange = renderForm(emailConfigSchema, { to: "a@example.com", subject: "", body: "" });
    const to = screen.getByLabelText("To") as HTMLTextAreaElement;
    expect(to.value).toBe("a@example.com");
    fireEvent.change(to, { target: { value: "a@example.com\nb@example.com\n" } });
    expect(onChange).toHaveBeenLastCalledWith(["to"], ["a@example.com", "b@example.com"]);
    fireEvent.change(to, { target: { value: "c@example.com" } });
    expect(onChange).toHaveBeenLastCalledWith(["to"], "c@example.com");
    const cc = screen.getByLabelText("Cc (optional)");
    fireEvent.change(cc, { target: { value: "d@example.com" } });
    fireEvent.change(cc, { target: { value: "" } });
    expect(onChange).toHaveBeenLastCalledWith(["cc"], undefined);
  });

  it("a Flux slack-notification shows its URL and its payload's text, and edits the text in place", () => {
    const onChange = renderForm(slackNotificationConfigSchema, {
      url: "https://hooks.slack.com/services/T0/B0/x",
      payload: { text: "door ${payload.door}" },
    });
    expect(screen.getByText("Payload")).toBeTruthy();
    const text = screen.getByLabelText("Text");
    expect(text.textContent).toContain("door ${payload.door}");
    expect(screen.getByLabelText("URL").textContent).toContain("hooks.slack.com");
    expect(onChange).not.toHaveBeenCalled();
  });

  it("headers are name/value rows that can be added and removed", () => {
    const onChange = renderForm(webhookConfigSchema, {
      method: "POST",
      url: "https://x",
      headers: { "x-a": "1" },
      body: { mode: "forward" },
      auth: { type: "none" },
    });
    expect((screen.getByLabelText("Headers 1 name") as HTMLInputElement).value).toBe("x-a");
    fireEvent.click(screen.getByRole("button", { name: "Add headers" }));
    expect(onChange).toHaveBeenLastCalledWith(["headers"], { "x-a": "1", "name-2": "" });
    fireEvent.click(screen.getByRole("button", { name: "Remove headers 1" }));
    expect(onChange).toHaveBeenLastCalledWith(["headers"], {});
  });

  it("an optional number left empty is removed; its problem shows at the field", () => {
    const onChange = renderForm(z.object({ timeoutMs: z.number().int().min(10).optional() }), {
      timeoutMs: 5,
    });
    const input = screen.getByLabelText("Timeout (ms) (optional)") as HTMLInputElement;
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("too small")).toBeTruthy();
    fireEvent.change(input, { target: { value: "" } });
    expect(onChange).toHaveBeenLastCalledWith(["timeoutMs"], undefined);
    fireEvent.change(input, { target: { value: "250" } });
    expect(onChange).toHaveBeenLastCalledWith(["timeoutMs"], 250);
  });
});
