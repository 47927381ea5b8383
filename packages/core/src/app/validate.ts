import type { z } from "zod";
import { type AppDefinition, appDefinitionSchema } from "./model.ts";

/** One thing wrong with an app, located so the studio can point at the field. */
export interface AppProblem {
  /** JSON path into the app, e.g. `actions.2.condition`. */
  path: string;
  message: string;
  /** 1-based column inside the field, for expression syntax errors. */
  column?: number;
}

export type AppValidation = { ok: true; app: AppDefinition } | { ok: false; problems: AppProblem[] };

type Path = ReadonlyArray<PropertyKey>;

/** Names the element a path points into, e.g. `action 'notify'`, so messages read as a person thinks. */
function describeOwner(input: unknown, path: Path): string {
  const [collection, index] = path;
  if ((collection !== "actions" && collection !== "channels") || typeof index !== "number") return "app";
  const list = (input as Record<string, unknown> | null)?.[collection];
  const element = Array.isArray(list) ? (list[index] as Record<string, unknown> | undefined) : undefined;
  const noun = collection === "actions" ? "action" : "channel";
  const label = element?.name || element?.[`${noun}Id`];
  return typeof label === "string" && label ? `${noun} '${label}'` : `${noun} #${index + 1}`;
}

function toProblem(input: unknown, issue: z.core.$ZodIssue): AppProblem {
  const path = issue.path.map(String).join(".");
  const field = issue.path.slice(2).map(String).join(".") || String(issue.path.at(-1) ?? "");
  const owner = describeOwner(input, issue.path);
  const column = (issue as { params?: { column?: number } }).params?.column;
  const where = field ? `${field} of ${owner}` : owner;
  return { path, message: `${where}: ${issue.message}`, ...(column === undefined ? {} : { column }) };
}

function findDuplicates(ids: readonly string[]): string[] {
  return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
}

type Loose = Record<string, unknown>;

function recordsIn(input: unknown, key: string): Loose[] {
  const list = (input as Loose | null)?.[key];
  return Array.isArray(list)
    ? list.map((item) => (item && typeof item === "object" ? (item as Loose) : {}))
    : [];
}

function idOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * Duplicate and dangling ids, read from the app as it came (not only once its shape is right), so one
 * answer lists every problem.
 */
function checkReferences(input: unknown, maxActions: number): AppProblem[] {
  const problems: AppProblem[] = [];
  const channels = recordsIn(input, "channels");
  const actions = recordsIn(input, "actions");
  const channelIdList = channels.map((channel) => idOf(channel.channelId)).filter((id) => id !== undefined);
  const channelIds = new Set(channelIdList);
  for (const id of findDuplicates(channelIdList))
    problems.push({ path: "channels", message: `channel id '${id}' is used twice` });
  const actionIds = actions.map((action) => idOf(action.actionId)).filter((id) => id !== undefined);
  for (const id of findDuplicates(actionIds))
    problems.push({ path: "actions", message: `action id '${id}' is used twice` });
  if (actions.length > maxActions)
    problems.push({ path: "actions", message: `an app has at most ${maxActions} actions on this plan` });

  actions.forEach((action, index) => {
    const owner = `action '${idOf(action.name) || idOf(action.actionId) || `#${index + 1}`}'`;
    const channelId = idOf(action.channelId);
    if (channelId !== undefined && !channelIds.has(channelId))
      problems.push({
        path: `actions.${index}.channelId`,
        message: `channelId of ${owner}: no channel '${channelId}' in this app`,
      });
    for (const key of ["output", "errorOutput"] as const) {
      const output = (action[key] ?? {}) as Loose;
      if (output.enabled !== true) continue;
      const outputChannelId = idOf(output.channelId);
      if (outputChannelId === undefined)
        problems.push({
          path: `actions.${index}.${key}.channelId`,
          message: `${key} of ${owner}: needs a channelId`,
        });
      else if (!channelIds.has(outputChannelId))
        problems.push({
          path: `actions.${index}.${key}.channelId`,
          message: `${key}.channelId of ${owner}: no channel '${outputChannelId}' in this app`,
        });
    }
  });
  return problems;
}

/** Everything checked when an app is saved: shape, expression syntax (with column) and dangling ids, all at once. */
export function validateApp(input: unknown, options: { maxActions?: number } = {}): AppValidation {
  const parsed = appDefinitionSchema.safeParse(input);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => toProblem(input, issue))),
    ...checkReferences(input, options.maxActions ?? 100),
  ];
  return parsed.success && !problems.length ? { ok: true, app: parsed.data } : { ok: false, problems };
}
