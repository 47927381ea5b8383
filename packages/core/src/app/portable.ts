import type { z } from "zod";
import { actionConfigSchemas, isRunnableActionType } from "./action-configs.ts";
import { secretFields } from "./fields.ts";
import type { Action, App, AppDefinition } from "./model.ts";

/**
 * An app in the portable shape SORACOM Flux exports and imports: `appId` on the app, on each channel
 * and on each action, fields in Flux's order, configs as they were saved, and none of our bookkeeping
 * (versions, times) nor the fields Flux does not write when they are unused (an output delay of 0, an
 * error output that is off).
 */

/** What an exported secret reads as; import knows it and never takes it for the secret itself. */
export const redactedValue = "<redacted>";

type Json = Record<string, unknown>;
type Schema = z.core.$ZodType;

/** Keys whose text is a secret wherever they appear in a config (a header `Authorization`, a `token`). */
const secretKey =
  /authorization|passw(or)?d|secret|token|api[-_]?key|private[-_]?key|cookie|signature|^key$|^sig$/i;

function isSecretKey(key: string): boolean {
  return secretKey.test(key) && !/Id$/.test(key);
}

/** A URL that carries a secret: a user and password, or a query parameter named like one. */
function isUrlWithSecret(text: string): boolean {
  if (!/^https?:\/\//i.test(text) || !URL.canParse(text)) return false;
  const url = new URL(text);
  return Boolean(url.username || url.password) || [...url.searchParams.keys()].some(isSecretKey);
}

function defOf(schema: Schema): Json {
  return schema._zod.def as unknown as Json;
}

function unwrap(schema: Schema): Schema {
  let inner = schema;
  for (;;) {
    const def = defOf(inner);
    if (["optional", "default", "prefault", "nullable", "readonly"].includes(def.type as string))
      inner = def.innerType as Schema;
    else if (def.type === "pipe") inner = def.in as Schema;
    else return inner;
  }
}

/** The schema of `key` inside an object, union-of-objects or record schema; undefined when unknown. */
function childSchema(schema: Schema | undefined, key: string): Schema | undefined {
  if (!schema) return undefined;
  const def = defOf(unwrap(schema));
  if (def.type === "object") return (def.shape as Record<string, Schema>)[key];
  if (def.type === "record") return def.valueType as Schema;
  if (def.type === "array") return def.element as Schema;
  if (def.type === "union")
    for (const option of def.options as Schema[]) {
      const found = childSchema(option, key);
      if (found) return found;
    }
  return undefined;
}

function isSecretSchema(schema: Schema | undefined): boolean {
  return schema !== undefined && (secretFields.has(schema) || secretFields.has(unwrap(schema)));
}

/** Replaces every secret in a config value; `found` collects the paths it replaced. */
function redactValue(
  value: unknown,
  schema: Schema | undefined,
  key: string,
  path: string,
  found: string[],
): unknown {
  if (typeof value === "string") {
    const secret = value !== "" && (isSecretSchema(schema) || isSecretKey(key) || isUrlWithSecret(value));
    if (!secret) return value;
    found.push(path);
    return redactedValue;
  }
  if (Array.isArray(value))
    return value.map((item, index) =>
      redactValue(item, childSchema(schema, String(index)), key, `${path}.${index}`, found),
    );
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [
        name,
        redactValue(item, childSchema(schema, name), name, `${path}.${name}`, found),
      ]),
    );
  return value;
}

/** An action's config with its secrets replaced by `redactedValue`, and where they were. */
export function redactConfig(action: Pick<Action, "type" | "config">, path = "config") {
  const found: string[] = [];
  const schema = isRunnableActionType(action.type) ? actionConfigSchemas[action.type] : undefined;
  const config = redactValue(action.config, schema, "config", path, found) as Json;
  return { config, redacted: found };
}

/** Where (`["url"]`, `["headers", "Authorization"]`) an export redacted values in a config. */
export function findRedacted(value: unknown, path: string[] = []): string[][] {
  if (value === redactedValue) return [path];
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([key, item]) => findRedacted(item, [...path, key]));
  return [];
}

function portableAction(appId: string, action: Action, includeSecrets: boolean): Json {
  const { delaySeconds, ...output } = action.output;
  const errorOutputIsDefault =
    !action.errorOutput.enabled && !action.errorOutput.channelId && !action.errorOutput.transform;
  return {
    actionId: action.actionId,
    appId,
    channelId: action.channelId,
    name: action.name,
    description: action.description,
    enabled: action.enabled,
    condition: action.condition,
    output: delaySeconds ? { ...output, delaySeconds } : output,
    tags: action.tags,
    type: action.type,
    config: includeSecrets ? action.config : redactConfig(action).config,
    ...(errorOutputIsDefault ? {} : { errorOutput: action.errorOutput }),
  };
}

/** An app as exported: Flux's shape, secrets redacted unless `includeSecrets`. */
export function toPortableApp(app: App, options: { includeSecrets?: boolean } = {}): Json {
  const { appId } = app;
  return {
    appId,
    name: app.name,
    description: app.description,
    tags: app.tags,
    channels: app.channels.map(({ channelId, name, description, tags, eventSource }) => ({
      channelId,
      appId,
      name,
      description,
      tags,
      ...(eventSource ? { eventSource } : {}),
    })),
    actions: app.actions.map((action) => portableAction(appId, action, options.includeSecrets ?? false)),
  };
}

/** Config keys that name an id of the app (`collectChannelId`), besides the action's own fields. */
const idKey = /(^|[a-z])(channelId|ChannelId|actionId|ActionId)$/;

function relinkConfig(value: unknown, key: string, ids: ReadonlyMap<string, string>): unknown {
  if (typeof value === "string") return idKey.test(key) ? (ids.get(value) ?? value) : value;
  if (Array.isArray(value)) return value.map((item) => relinkConfig(item, key, ids));
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, relinkConfig(item, name, ids)]),
    );
  return value;
}

/**
 * The same app with a new id for every channel and action, each reference re-linked: input channels,
 * outputs, error outputs, and config keys named `…channelId` or `…actionId`.
 */
export function withFreshIds(app: AppDefinition, newId: () => string): AppDefinition {
  const ids = new Map<string, string>();
  for (const { channelId } of app.channels) ids.set(channelId, newId());
  for (const { actionId } of app.actions) ids.set(actionId, newId());
  const relink = (id: string) => ids.get(id) ?? id;
  const relinkOutput = <T extends { channelId?: string | undefined }>(output: T): T =>
    output.channelId === undefined ? output : { ...output, channelId: relink(output.channelId) };
  return {
    ...app,
    channels: app.channels.map((channel) => ({ ...channel, channelId: relink(channel.channelId) })),
    actions: app.actions.map(
      (action) =>
        ({
          ...action,
          actionId: relink(action.actionId),
          channelId: relink(action.channelId),
          output: relinkOutput(action.output),
          errorOutput: relinkOutput(action.errorOutput),
          config: relinkConfig(action.config, "config", ids),
        }) as Action,
    ),
  };
}
