import type { App } from "@conflux/core";
import type { FieldProblem, SaveOutcome } from "../editor/contract.ts";
import { ApiError, describeError, errorDetailsOf } from "./client.ts";
import type { AppVersion } from "./conflux-api.ts";

/** The API's `details[]` (`{path: "actions.2.condition", message, column?}`) as the editor's problems. */
export function toFieldProblems(details: unknown): FieldProblem[] {
  return errorDetailsOf(details).map(({ path, ...detail }) => ({
    path: path ? path.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part)) : [],
    ...detail,
  }));
}

/** A save the server refused, as the editor shows it: at the fields in `details`, or as one message. */
export function saveOutcomeOf(error: unknown): SaveOutcome {
  if (error instanceof ApiError && error.status === 400)
    return { ok: false, message: error.message, problems: toFieldProblems(error.details) };
  return { ok: false, message: describeError(error), problems: [] };
}

/** Saves a file the browser made (an export) under `filename`. */
export function downloadText(text: string, filename: string, type: string): void {
  downloadBlob(new Blob([text], { type }), filename);
}

/** Saves a file the browser holds (an export fetched with the session's headers) under `filename`. */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The app as it was at a saved version, for a read-only canvas: ids and creation from the app now. */
export function appAtVersion(current: App, saved: AppVersion): App {
  return {
    ...saved.definition,
    appId: current.appId,
    version: saved.version,
    createdAt: current.createdAt,
    updatedAt: saved.createdAt,
  };
}
