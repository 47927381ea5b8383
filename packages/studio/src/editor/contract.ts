import type { App, AppDefinition, JsonValue } from "@conflux/core";

/** A problem the server (or core's validateApp in the browser) found in an app, as in the API's 400 `details[]`. */
export interface FieldProblem {
  /** e.g. ["actions", 2, "condition"] */
  path: (string | number)[];
  message: string;
  column?: number;
}

export type SaveOutcome = { ok: true; app: App } | { ok: false; message: string; problems: FieldProblem[] };

/** One step of a run as the history API returns it (`GET /v1/apps/{appId}/runs/{runId}` → steps[]). */
export interface RunStep {
  stepId: string;
  messageId: string;
  channelId: string;
  actionId: string;
  actionType: string;
  status: string;
  conditionValue: boolean | null;
  input: JsonValue | null;
  result: JsonValue | null;
  error: { code: string; message: string } | null;
  usage: JsonValue | null;
  attempts: number;
  startedAt: number;
  finishedAt: number | null;
}

/** A run shown on the canvas: live while it is running, or opened from the history. */
export interface RunView {
  runId: string;
  channelId: string;
  status: "running" | "completed" | "failed";
  steps: RunStep[];
}

export interface CredentialSummary {
  credentialsId: string;
  type: string;
  description: string;
}

/** What the studio shell hands the editor; the editor owns nothing but the canvas, panels and their state. */
export interface AppEditorProps {
  app: App;
  /** Read-only: a run opened from the history shows the app as the run saw it. */
  readOnly?: boolean;
  credentials: CredentialSummary[];
  onSave(definition: AppDefinition): Promise<SaveOutcome>;
  /** Sends a test message into a channel; the shell then streams the run and passes it back as `run`. */
  onTestRun(channelId: string, payload: JsonValue): Promise<void>;
  run?: RunView;
  /** Tells the shell whether there are unsaved changes (for its navigation guard). */
  onDirtyChange?(dirty: boolean): void;
}
