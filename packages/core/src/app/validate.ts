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

function checkReferences(app: AppDefinition, maxActions: number): AppProblem[] {
  const problems: AppProblem[] = [];
  const channelIds = new Set(app.channels.map((channel) => channel.channelId));
  for (const id of findDuplicates(app.channels.map((channel) => channel.channelId)))
    problems.push({ path: "channels", message: `channel id '${id}' is used twice` });
  for (const id of findDuplicates(app.actions.map((action) => action.actionId)))
    problems.push({ path: "actions", message: `action id '${id}' is used twice` });
  if (app.actions.length > maxActions)
    problems.push({ path: "actions", message: `an app has at most ${maxActions} actions on this plan` });

  app.actions.forEach((action, index) => {
    const owner = `action '${action.name || action.actionId}'`;
    if (!channelIds.has(action.channelId))
      problems.push({
        path: `actions.${index}.channelId`,
        message: `channelId of ${owner}: no channel '${action.channelId}' in this app`,
      });
    for (const [key, output] of [
      ["output", action.output],
      ["errorOutput", action.errorOutput],
    ] as const) {
      if (!output.enabled) continue;
      if (!output.channelId)
        problems.push({
          path: `actions.${index}.${key}.channelId`,
          message: `${key} of ${owner}: needs a channelId`,
        });
      else if (!channelIds.has(output.channelId))
        problems.push({
          path: `actions.${index}.${key}.channelId`,
          message: `${key}.channelId of ${owner}: no channel '${output.channelId}' in this app`,
        });
    }
  });
  return problems;
}

/** Everything checked when an app is saved: shape, expression syntax (with column) and dangling ids. */
export function validateApp(input: unknown, options: { maxActions?: number } = {}): AppValidation {
  const parsed = appDefinitionSchema.safeParse(input);
  if (!parsed.success)
    return { ok: false, problems: parsed.error.issues.map((issue) => toProblem(input, issue)) };
  const problems = checkReferences(parsed.data, options.maxActions ?? 100);
  return problems.length ? { ok: false, problems } : { ok: true, app: parsed.data };
}
