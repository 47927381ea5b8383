import { actionConfigSchemas, codeConfigSchema, emailConfigSchema, webhookConfigSchema } from "@conflux/core";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { eventSourceConfigSchema } from "./app-edits.ts";
import { checkFieldValue, defaultValueOf, describeConfig, type FormField, labelFor } from "./schema-form.ts";

const summary = (fields: FormField[]): unknown[] =>
  fields.map((field) =>
    field.kind === "object"
      ? [field.path.join("."), field.kind, summary(field.fields)]
      : field.kind === "variant"
        ? [field.path.join("."), field.kind, field.variants.map((v) => [v.value, summary(v.fields)])]
        : [field.path.join("."), field.kind],
  );

describe("forms from the zod schemas", () => {
  it("a webhook's form: enum, template, record, and variants with their own fields", () => {
    expect(summary(describeConfig(webhookConfigSchema))).toEqual([
      ["method", "enum"],
      ["url", "template"],
      ["headers", "record"],
      [
        "body",
        "variant",
        [
          ["none", []],
          ["json", [["body.content", "template"]]],
          ["text", [["body.content", "template"]]],
          [
            "other",
            [
              ["body.contentType", "text"],
              ["body.content", "template"],
            ],
          ],
          ["forward", []],
        ],
      ],
      [
        "auth",
        "variant",
        [
          ["none", []],
          ["basic", [["auth.credentialsId", "credential"]]],
          ["bearer", [["auth.credentialsId", "credential"]]],
          ["aws-sigv4", [["auth.credentialsId", "credential"]]],
          [
            "google-service-account",
            [
              ["auth.credentialsId", "credential"],
              ["auth.scopes", "string-list"],
            ],
          ],
        ],
      ],
      ["acceptRedirects", "boolean"],
    ]);
    const [method] = describeConfig(webhookConfigSchema);
    expect(method).toMatchObject({
      kind: "enum",
      options: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"],
      optional: true,
      label: "Method",
    });
  });

  it("e-mail recipients are a list that also accepts one address; cc is optional", () => {
    const fields = describeConfig(emailConfigSchema);
    expect(fields.find((f) => f.path[0] === "to")).toMatchObject({
      kind: "string-list",
      allowSingle: true,
      optional: false,
    });
    expect(fields.find((f) => f.path[0] === "cc")).toMatchObject({ kind: "string-list", optional: true });
    expect(fields.find((f) => f.path[0] === "subject")?.kind).toBe("template");
  });

  it("numbers carry their bounds; long text is multi-line; the code action's source is JavaScript", () => {
    const fields = describeConfig(codeConfigSchema);
    expect(fields).toMatchObject([
      { path: ["source"], kind: "javascript" },
      { path: ["timeoutMs"], kind: "number", min: 10, max: 10_000, integer: true, optional: true },
    ]);
    expect(describeConfig(z.object({ notes: z.string().max(10_000), name: z.string() }))).toMatchObject([
      { path: ["notes"], kind: "text", multiline: true },
      { path: ["name"], kind: "text", multiline: false },
    ]);
    expect(describeConfig(eventSourceConfigSchema("interval-timer") as z.ZodType)).toMatchObject([
      { path: ["intervalMinutes"], kind: "number", min: 1, label: "Interval minutes" },
      { path: ["payload"], kind: "json", optional: true },
    ]);
  });

  it("arrays of enum values offer the values; a republish transform is a transform field", () => {
    expect(describeConfig(eventSourceConfigSchema("file") as z.ZodType)[1]).toMatchObject({
      kind: "string-list",
      options: ["created", "updated", "deleted"],
    });
    expect(describeConfig(actionConfigSchemas.republish)).toMatchObject([
      { path: ["transform"], kind: "transform", optional: true },
    ]);
  });

  it("an AI action's model is a model field, its prompts templates, its key a credential", () => {
    const kinds = Object.fromEntries(summary(describeConfig(actionConfigSchemas.ai)) as [string, string][]);
    expect(kinds).toMatchObject({
      model: "ai-model",
      prompt: "template",
      systemPrompt: "template",
      data: "template",
      credentialsId: "credential",
      fallbackModels: "ai-model-list",
    });
    // As many fallbacks as core's schema allows, read from it rather than copied.
    expect(describeConfig(actionConfigSchemas.ai)).toContainEqual(
      expect.objectContaining({ path: ["fallbackModels"], kind: "ai-model-list", max: 3 }),
    );
    expect(describeConfig(actionConfigSchemas["object-detection"])).toContainEqual(
      expect.objectContaining({ path: ["model"], kind: "ai-model", optional: true }),
    );
  });

  it("SORACOM Flux's config shapes are forms too: the payload is a group with its own fields", () => {
    expect(summary(describeConfig(actionConfigSchemas["slack-notification"]))).toEqual([
      ["url", "template"],
      ["payload", "object", [["payload.text", "template"]]],
    ]);
    const detection = describeConfig(actionConfigSchemas["object-detection"]);
    expect(summary(detection).slice(0, 2)).toEqual([
      ["imageUrl", "template"],
      ["payload", "object", [["payload.imageUrl", "template"]]],
    ]);
    expect(detection.slice(0, 2).map((field) => field.optional)).toEqual([true, true]);
  });

  it("line-notification, collect and file-write get forms from their core schemas", () => {
    expect(summary(describeConfig(actionConfigSchemas["line-notification"]))).toEqual([
      ["credentialsId", "credential"],
      ["to", "template"],
      ["text", "template"],
    ]);
    expect(describeConfig(actionConfigSchemas.collect)).toMatchObject([
      { path: ["count"], kind: "number", min: 1, max: 1_000, integer: true },
      { path: ["windowSeconds"], kind: "number", min: 1, max: 86_400, integer: true },
    ]);
    expect(summary(describeConfig(actionConfigSchemas["file-write"]))).toEqual([
      ["path", "template"],
      ["content", "transform"],
      ["imageUrl", "template"],
    ]);
  });

  it("a loose config without known fields is one JSON field", () => {
    expect(describeConfig(z.looseObject({}).default({}))).toMatchObject([{ kind: "json", path: [] }]);
    expect(describeConfig(eventSourceConfigSchema("api") as z.ZodType)).toMatchObject([
      { kind: "json", path: [] },
    ]);
  });

  it("every runnable action type gets a form without a raw JSON fallback for its strings", () => {
    for (const [type, schema] of Object.entries(actionConfigSchemas)) {
      const fields = describeConfig(schema);
      expect(fields.length, type).toBeGreaterThan(0);
      expect(
        fields.every((f) => f.label.length > 0),
        type,
      ).toBe(true);
    }
  });

  it("default values fill what is required and leave out what is optional", () => {
    expect(defaultValueOf(emailConfigSchema)).toEqual({ to: "", subject: "", body: "" });
    expect(defaultValueOf(eventSourceConfigSchema("scheduled-timer") as z.ZodType)).toEqual({
      cron: "",
      timezone: "UTC",
    });
  });

  it("a template field reports its syntax error with the column; other checks without one", () => {
    const url = describeConfig(webhookConfigSchema).find((f) => f.path[0] === "url");
    if (!url) throw new Error("the webhook has a url");
    expect(checkFieldValue(url.schema, "https://x/${payload.temp +}")).toEqual({
      message: expect.stringContaining("at column 27"),
      column: 27,
    });
    expect(checkFieldValue(url.schema, "https://x/${payload.temp}")).toBeUndefined();
    expect(checkFieldValue(z.number().min(1), 0)).toEqual({ message: expect.any(String) });
  });

  it("labels read as words", () => {
    expect(labelFor("credentialsId")).toBe("Credentials");
    expect(labelFor("splitArray")).toBe("Split array");
    expect(labelFor("imageUrl")).toBe("Image URL");
    expect(labelFor("url")).toBe("URL");
    expect(labelFor("timeoutMs")).toBe("Timeout (ms)");
  });
});
