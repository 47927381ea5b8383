import {
  type Action,
  type App,
  type AppDefinition,
  type AppProblem,
  findRedacted,
  fluxActionTypeNames,
  isRunnableActionType,
  withFreshIds,
} from "@conflux/core";
import { ulid } from "ulid";
import { z } from "zod";
import { UserError } from "../errors.ts";
import type { OperatorStore } from "../store/store.ts";

/** How an import goes: checked only, turned off, and whether it updates the app the file names. */
export const importOptionsSchema = z.object({
  /** Answers what the import would save (or every problem) and saves nothing. */
  dryRun: z.stringbool().default(false),
  /** `false` imports every event source and action turned off. */
  enabled: z.stringbool().default(true),
  /**
   * `new` (the default) makes a new app, with new ids for it, its channels and actions when this
   * account has the app already; `replace` saves the file as the next version of the app it names.
   */
  mode: z.enum(["new", "replace"]).default("new"),
  /** The app a replace updates, when not the one the file names (a SORACOM Flux export names Flux's). */
  appId: z.string().min(1).max(64).optional(),
});
export type ImportOptions = z.infer<typeof importOptionsSchema>;

/** What an import saves: a new app, or the next version of one; notes say what it changed on the way. */
export interface ImportPlan {
  replaces: App | undefined;
  definition: AppDefinition;
  notes: AppProblem[];
}

function appIdNamedIn(input: unknown): string | undefined {
  const appId = (input as { appId?: unknown } | null)?.appId;
  return typeof appId === "string" && appId ? appId : undefined;
}

function ownerOf(action: Action): string {
  return `action '${action.name || action.actionId}'`;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (inner, key) =>
      inner && typeof inner === "object" ? (inner as Record<string, unknown>)[key] : undefined,
    value,
  );
}

function withValueAt(
  config: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> {
  const [key, ...rest] = path;
  if (key === undefined) return config;
  const inner = config[key];
  const replaced = rest.length
    ? withValueAt(inner && typeof inner === "object" ? (inner as Record<string, unknown>) : {}, rest, value)
    : value;
  return { ...config, [key]: replaced };
}

/**
 * Secrets an export redacted: an import that replaces the app keeps the values it has at those places;
 * otherwise the action is turned off until someone enters them.
 */
function restoreSecrets(
  action: Action,
  before: Action | undefined,
  notes: AppProblem[],
  index: number,
): Action {
  let config = action.config as Record<string, unknown>;
  const missing: string[] = [];
  for (const path of findRedacted(config)) {
    const kept = before?.type === action.type ? valueAt(before.config, path) : undefined;
    if (typeof kept === "string" && findRedacted(kept).length === 0) config = withValueAt(config, path, kept);
    else missing.push(["config", ...path].join("."));
  }
  if (!missing.length) return { ...action, config } as Action;
  notes.push({
    path: `actions.${index}`,
    message: `${ownerOf(action)}: ${missing.join(", ")} was redacted when the app was exported; imported turned off until it is entered`,
  });
  return { ...action, config, enabled: false } as Action;
}

function noteAction(action: Action, notes: AppProblem[], index: number): Action {
  const origin = fluxActionTypeNames[action.type as keyof typeof fluxActionTypeNames];
  if (!isRunnableActionType(action.type)) {
    notes.push({
      path: `actions.${index}`,
      message: `${ownerOf(action)}: type '${action.type}' cannot run in this Conflux yet; kept as it came, turned off`,
    });
    return { ...action, enabled: false };
  }
  if (origin === "guessed")
    notes.push({
      path: `actions.${index}.type`,
      message: `${ownerOf(action)}: '${action.type}' is Conflux's guess at SORACOM Flux's name for this action; check it runs as in Flux`,
    });
  return action;
}

function turnedOff(app: AppDefinition): AppDefinition {
  return {
    ...app,
    channels: app.channels.map((channel) =>
      channel.eventSource ? { ...channel, eventSource: { ...channel.eventSource, enabled: false } } : channel,
    ),
    actions: app.actions.map((action) => ({ ...action, enabled: false })),
  };
}

/**
 * Decides what an import saves, the app already checked. The file's `appId` is looked up in this
 * operator's apps only: an id of another account's app reads as unknown, so it is never touched and
 * its existence never shows (the import gets a new id, as for an id nobody has).
 */
export async function planImport(
  store: OperatorStore,
  input: unknown,
  definition: AppDefinition,
  options: ImportOptions,
): Promise<ImportPlan> {
  const notes: AppProblem[] = [];
  const namedAppId = (options.mode === "replace" ? options.appId : undefined) ?? appIdNamedIn(input);
  const existing = namedAppId === undefined ? undefined : await store.getApp(namedAppId);
  if (options.mode === "replace" && namedAppId === undefined)
    throw new UserError(
      "bad_request",
      "mode=replace updates the app the file or appId= names, and neither names one",
    );
  if (options.mode === "replace" && !existing)
    throw new UserError("not_found", `no app ${namedAppId} in this account to replace`);
  const replaces = options.mode === "replace" ? existing : undefined;

  let app = definition;
  if (existing && !replaces) {
    app = withFreshIds(app, ulid);
    notes.push({
      path: "appId",
      message: `this account has app ${existing.appId} already: imported as a copy, with new ids for its channels and actions (mode=replace updates that app instead)`,
    });
  }
  app = {
    ...app,
    actions: app.actions.map((action, index) => {
      const before = replaces?.actions.find((candidate) => candidate.actionId === action.actionId);
      return noteAction(restoreSecrets(action, before, notes, index), notes, index);
    }),
  };
  if (!options.enabled) app = turnedOff(app);
  return { replaces, definition: app, notes };
}
