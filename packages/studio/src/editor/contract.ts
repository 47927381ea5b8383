import type { App, AppDefinition, JsonValue } from "@conflux/core";

/** An app without the server's bookkeeping (id, version, times): what the editor edits and PUT and POST take. */
export function definitionOf(app: App): AppDefinition {
  const { appId: _id, version: _version, createdAt: _created, updatedAt: _updated, ...definition } = app;
  return definition;
}

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
  /** The provider an `ai-provider-key` is for; absent for other types (and from older servers). */
  provider?: string | null;
}

/** A model of the service's catalogue (`GET /v1/ai/models`), offered by the model picker. */
export interface AiModel {
  /** `<provider>/<model id>`, the value an action's `model` holds. */
  model: string;
  provider: string;
  modelId: string;
  label: string;
  image: boolean;
  video: boolean;
  /** Credits one request costs on the service's keys. */
  credits: number;
  /** False when the service has no key for the provider: only the operator's own key reaches it. */
  available: boolean;
}

/** The action types "Try it" runs (`POST /v1/ai/try`). */
export type TryActionType = "ai" | "object-detection" | "bounding-box";

/** A "Try it" run: the action's result and usage, or the error code and message it failed with. */
export type TryOutcome =
  | { ok: true; result: JsonValue; usage: JsonValue | null }
  | { ok: false; code: string; message: string };

/** A least-privilege user made for an `api` action: its name and the one API it may call, or why not. */
export type ApiUserOutcome = { ok: true; userName: string; apiName: string } | { ok: false; message: string };

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
  /** The model catalogue; without it a model is typed as text. */
  aiModels?: AiModel[];
  /** Runs an AI action's current settings once on a sample payload; without it there is no "Try it". */
  onTryAction?(type: TryActionType, config: JsonValue, payload: JsonValue): Promise<TryOutcome>;
  /** Creates a user allowed to call only the API of `method path` (the `api` action's user); without it, no button. */
  onCreateApiUser?(request: { actionId: string; method: string; path: string }): Promise<ApiUserOutcome>;
}
