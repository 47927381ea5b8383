// Forms generated from core's zod schemas, the same ones the server validates with, so a new action
// type or config field appears in the studio without studio code. We walk the zod 4 schema rather
// than converting it with z.toJSONSchema because the JSON Schema loses what the form needs most:
// which strings are templates (their superRefine calls checkTemplate) and which object is a transform.
import { aiModel, codeConfigSchema, transformSchema } from "@conflux/core";
import type { z } from "zod";

type Schema = z.core.$ZodType;
type Def = Record<string, unknown> & { type: string };

interface FieldBase {
  /** Path below the object the form edits (an action's or event source's `config`). */
  path: string[];
  label: string;
  optional: boolean;
  /** The field's own schema: template and text fields are checked against it while typing. */
  schema: Schema;
}

export type FormField =
  | (FieldBase & { kind: "text"; multiline: boolean })
  | (FieldBase & { kind: "template" })
  | (FieldBase & { kind: "transform" })
  | (FieldBase & { kind: "number"; min?: number; max?: number; integer: boolean })
  | (FieldBase & { kind: "boolean" })
  | (FieldBase & { kind: "enum"; options: string[] })
  | (FieldBase & { kind: "credential" })
  /** `<provider>/<model id>`: picked from the service's model catalogue. */
  | (FieldBase & { kind: "ai-model" })
  /** Models tried in order after another (an AI action's fallbacks), at most `max`. */
  | (FieldBase & { kind: "ai-model-list"; max?: number })
  /** The code action's script. */
  | (FieldBase & { kind: "javascript" })
  | (FieldBase & { kind: "string-list"; options?: string[]; allowSingle: boolean })
  | (FieldBase & { kind: "record" })
  | (FieldBase & { kind: "object"; fields: FormField[] })
  | (FieldBase & {
      kind: "variant";
      discriminator: string;
      variants: { value: string; fields: FormField[] }[];
    })
  | (FieldBase & { kind: "json" });

function defOf(schema: Schema): Def {
  return schema._zod.def as unknown as Def;
}

/** Strips optional/default/nullable/readonly wrappers; reports whether the value may be left out. */
function unwrap(schema: Schema): { inner: Schema; optional: boolean } {
  let inner = schema;
  let optional = false;
  for (;;) {
    const def = defOf(inner);
    if (
      def.type === "optional" ||
      def.type === "default" ||
      def.type === "prefault" ||
      def.type === "nullable"
    ) {
      optional = true;
      inner = def.innerType as Schema;
    } else if (def.type === "readonly") {
      inner = def.innerType as Schema;
    } else if (def.type === "pipe") {
      inner = def.in as Schema;
    } else {
      return { inner, optional };
    }
  }
}

const acronyms: Record<string, string> = { url: "URL", json: "JSON", api: "API", http: "HTTP", ms: "(ms)" };

/** "intervalMinutes" → "Interval minutes", "credentialsId" → "Credentials", "imageUrl" → "Image URL". */
export function labelFor(key: string): string {
  const words = key
    .replace(/Id$/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[-_]/g, " ")
    .toLowerCase()
    .split(" ")
    .map((word) => acronyms[word] ?? word)
    .join(" ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function hasCustomCheck(schema: Schema): boolean {
  const checks = (defOf(schema).checks ?? []) as { _zod: { def: { check: string } } }[];
  return checks.some((check) => check._zod.def.check === "custom");
}

/** An array schema's `.max(n)`, which zod 4 keeps as a check. */
function maxLengthOf(schema: Schema): number | undefined {
  const checks = (defOf(schema).checks ?? []) as { _zod: { def: { check: string; maximum?: number } } }[];
  return checks.find((check) => check._zod.def.check === "max_length")?._zod.def.maximum;
}

function stringOptions(schema: Schema): string[] | undefined {
  const def = defOf(schema);
  if (def.type === "enum") return Object.values(def.entries as Record<string, string>);
  return undefined;
}

function objectShape(schema: Schema): Record<string, Schema> {
  return defOf(schema).shape as Record<string, Schema>;
}

/** A literal discriminator value of one option of a discriminated union. */
function literalOf(schema: Schema, key: string): string {
  const field = objectShape(schema)[key];
  const values = field ? (defOf(field).values as unknown[]) : [];
  return String(values[0]);
}

function describeField(key: string, path: string[], schema: Schema): FormField {
  const { inner, optional } = unwrap(schema);
  const def = defOf(inner);
  const base = { path, label: labelFor(key), optional, schema: inner };
  if (inner === transformSchema) return { ...base, kind: "transform" };
  if (inner === aiModel) return { ...base, kind: "ai-model" };
  if (inner === codeConfigSchema.shape.source) return { ...base, kind: "javascript" };
  switch (def.type) {
    case "string": {
      if (key === "credentialsId") return { ...base, kind: "credential" };
      if (hasCustomCheck(inner)) return { ...base, kind: "template" };
      const maxLength = (inner as z.ZodString).maxLength;
      return { ...base, kind: "text", multiline: maxLength !== null && maxLength > 4_096 };
    }
    case "number": {
      const number = inner as z.ZodNumber;
      return {
        ...base,
        kind: "number",
        integer: number.isInt,
        ...(Number.isFinite(number.minValue) ? { min: number.minValue as number } : {}),
        ...(Number.isFinite(number.maxValue) ? { max: number.maxValue as number } : {}),
      };
    }
    case "boolean":
      return { ...base, kind: "boolean" };
    case "enum":
      return { ...base, kind: "enum", options: stringOptions(inner) ?? [] };
    case "array": {
      const element = unwrap(def.element as Schema).inner;
      if (element === aiModel) {
        const max = maxLengthOf(inner);
        return { ...base, kind: "ai-model-list", ...(max === undefined ? {} : { max }) };
      }
      const elementType = defOf(element).type;
      if (elementType === "string" || elementType === "enum")
        return { ...base, kind: "string-list", options: stringOptions(element), allowSingle: false };
      return { ...base, kind: "json" };
    }
    case "union": {
      const options = def.options as Schema[];
      const discriminator = def.discriminator as string | undefined;
      if (discriminator)
        return {
          ...base,
          kind: "variant",
          discriminator,
          variants: options.map((option) => ({
            value: literalOf(option, discriminator),
            fields: describeObject(option, path).filter((field) => field.path.at(-1) !== discriminator),
          })),
        };
      // One or many, e.g. an e-mail `to` that is an address or a list of addresses.
      const [first, second] = options.map((option) => defOf(unwrap(option).inner));
      if (options.length === 2 && first?.type === "string" && second?.type === "array")
        return { ...base, kind: "string-list", allowSingle: true };
      return { ...base, kind: "json" };
    }
    case "record":
      return defOf(unwrap(def.valueType as Schema).inner).type === "string"
        ? { ...base, kind: "record" }
        : { ...base, kind: "json" };
    case "object": {
      const fields = describeObject(inner, path);
      return fields.length ? { ...base, kind: "object", fields } : { ...base, kind: "json" };
    }
    default:
      return { ...base, kind: "json" };
  }
}

function describeObject(schema: Schema, path: string[]): FormField[] {
  return Object.entries(objectShape(schema)).map(([key, field]) => describeField(key, [...path, key], field));
}

/**
 * The form of a config schema. A config without known fields (the planned action types and their
 * loose configs) is one JSON field, so nothing an imported app carries is hidden or lost.
 */
export function describeConfig(schema: Schema): FormField[] {
  const { inner } = unwrap(schema);
  const fields = defOf(inner).type === "object" ? describeObject(inner, []) : [];
  return fields.length
    ? fields
    : [{ kind: "json", path: [], label: "Config (JSON)", optional: false, schema: inner }];
}

/** A starting value that fills every required field, so a new action's form has something to edit. */
export function defaultValueOf(schema: Schema): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case "default":
      return structuredClone(def.defaultValue);
    case "optional":
    case "nullable":
      return undefined;
    case "readonly":
    case "prefault":
      return defaultValueOf(def.innerType as Schema);
    case "pipe":
      return defaultValueOf(def.in as Schema);
    case "object": {
      const value: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(objectShape(schema))) {
        const fieldValue = defaultValueOf(field);
        if (fieldValue !== undefined) value[key] = fieldValue;
      }
      return value;
    }
    case "string":
      return "";
    case "number": {
      const min = (schema as z.ZodNumber).minValue;
      return Number.isFinite(min) && (min as number) > 0 ? min : 0;
    }
    case "boolean":
      return false;
    case "enum":
      return stringOptions(schema)?.[0];
    case "literal":
      return (def.values as unknown[])[0];
    case "array":
      return [];
    case "record":
      return {};
    case "union":
      return defaultValueOf((def.options as Schema[])[0] as Schema);
    default:
      return undefined;
  }
}

/** The first problem the field's own schema finds in a value, with its column for expression errors. */
export function checkFieldValue(
  schema: Schema,
  value: unknown,
): { message: string; column?: number } | undefined {
  const result = (schema as z.ZodType).safeParse(value);
  if (result.success) return undefined;
  const [issue] = result.error.issues;
  if (!issue) return undefined;
  const column = (issue as { params?: { column?: number } }).params?.column;
  return column === undefined ? { message: issue.message } : { message: issue.message, column };
}
