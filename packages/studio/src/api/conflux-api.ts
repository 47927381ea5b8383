import type { App, AppDefinition, AppProblem, JsonValue } from "@conflux/core";
import type { AiModel, CredentialSummary, RunStep, TryActionType } from "../editor/contract.ts";
import type { HttpClient } from "./client.ts";

export type RunStatus = "running" | "completed" | "failed";

export interface RunSummary {
  runId: string;
  appId: string;
  channelId: string;
  eventType: string;
  status: RunStatus;
  replayOf: string | null;
  /** The app version the run started on; null for runs from before app versions were kept. */
  appVersion: number | null;
  createdAt: number;
}

/** What made an app version: the app's creation, an import, a save, or a restore of an earlier version. */
export type AppVersionOrigin = "created" | "imported" | "saved" | "restored";

/** A saved version of an app as listed (`GET /v1/apps/{appId}/versions`): when, how and by whom it was saved. */
export interface AppVersionSummary {
  appId: string;
  version: number;
  createdAt: number;
  /** Null for versions saved before the server recorded it. */
  origin: AppVersionOrigin | null;
  /** The version a restore saved again; null for other origins. */
  restoredFrom: number | null;
  /** The e-mail address of the user whose request saved the version; null when unknown. */
  createdBy: string | null;
}

/** One saved definition of an app (`GET /v1/apps/{appId}/versions/{version}`). */
export interface AppVersion extends AppVersionSummary {
  definition: AppDefinition;
}

export interface RunMessage {
  messageId: string;
  channelId: string;
  hop: number;
  payload: JsonValue;
  context: JsonValue;
  parentStepId: string | null;
  createdAt: number;
}

export interface RunDetail extends RunSummary {
  messages: RunMessage[];
  steps: RunStep[];
}

export interface RunFilter {
  status?: RunStatus | undefined;
  channelId?: string | undefined;
  actionId?: string | undefined;
  /** Unix ms, inclusive. */
  from?: number | undefined;
  /** Unix ms, exclusive. */
  to?: number | undefined;
  /** The `nextCursor` of the page before: asks for the page after it. */
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** `POST /v1/ai/try`: the action ran (its result and usage) or failed (its error), both with status 200. */
export type TryAnswer =
  | { status: "completed"; result: JsonValue; usage: JsonValue | null }
  | { status: "failed"; error: { code: string; message: string } };

/** `POST /v1/auth/session`: who signed in; the token went into the HttpOnly session cookie. */
export interface LogInAnswer {
  operatorId: string;
  /** Only when a user of the operator signed in. */
  userName?: string;
}

/** `POST /v1/auth`: the root user by e-mail, or a user of an operator by its name; a code when MFA is on. */
export type Credentials = ({ email: string } | { operatorId: string; userName: string }) & {
  password: string;
  mfaOTPCode?: string;
};

export type NewCredential =
  | { type: "api-token"; description: string; credentials: { token: string } }
  | { type: "username-password"; description: string; credentials: { username: string; password: string } }
  | {
      type: "aws";
      description: string;
      credentials: {
        accessKeyId: string;
        secretAccessKey: string;
        sessionToken?: string;
        region: string;
        service: string;
      };
    }
  /** The service account's JSON key file, as Google gives it. */
  | { type: "google-service-account-json"; description: string; credentials: Record<string, unknown> };

const segment = encodeURIComponent;

/** A delivery of an outbound action (webhook, slack, email) that failed for good (`GET /v1/failed_deliveries`). */
export interface FailedDelivery {
  stepId: string;
  runId: string;
  messageId: string;
  appId: string;
  actionId: string;
  actionType: string;
  error: { code: string; message: string } | null;
  attempts: number;
  failedAt: number | null;
}

/** Which failed deliveries to list or replay; every field narrows. */
export interface FailedDeliveryFilter {
  appId?: string | undefined;
  actionId?: string | undefined;
  errorCode?: string | undefined;
  /** Unix ms, inclusive: when the delivery failed. */
  from?: number | undefined;
  /** Unix ms, exclusive. */
  to?: number | undefined;
}

/** Conflux's own lists answer `{items, nextCursor}`; `?cursor=` asks for the page after another. */
export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** Which page of a paged list: `cursor` is the `nextCursor` of the page before (opaque to the studio). */
export interface PageQuery {
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** The query of a filtered, paged list. */
function query(filter: RunFilter | (FailedDeliveryFilter & PageQuery)): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter))
    if (value !== undefined && value !== "") params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** With a version, the server saves only if the app is still at it, and refuses (412) otherwise. */
function ifMatch(onVersion: number | undefined): { headers?: Record<string, string> } {
  return onVersion === undefined ? {} : { headers: { "if-match": `"${onVersion}"` } };
}

/** The API calls the studio makes, typed; each throws ApiError with the server's code and message. */
export function createConfluxApi(http: HttpClient) {
  return {
    /** Answers alike whether or not the address has an account; the operator id comes from logIn. */
    signUp: (email: string, password: string) =>
      http.json<{ email: string }>("POST", "/v1/operators", {
        body: { email, password },
      }),
    logIn: (credentials: Credentials) =>
      http.json<LogInAnswer>("POST", "/v1/auth/session", { body: credentials }),
    /** Ends the session (and a partner's own one it switched from) and clears the cookie. */
    logOut: () => http.json<void>("POST", "/v1/auth/logout"),
    /** A partner back from a customer: the switched session ends and the partner's own resumes. */
    switchBack: () => http.json<void>("POST", "/v1/auth/switch_back"),
    /** Mails a reset link; answers alike whether or not the address has an account (429 when asked too often). */
    requestPasswordReset: (email: string) =>
      http.json<void>("POST", "/v1/auth/password_reset_token/issue", { body: { email } }),
    /** Sets the root user's new password with the mailed token; every token of the account ends. */
    resetPassword: (token: string, password: string) =>
      http.json<void>("POST", "/v1/auth/password_reset_token/verify", { body: { token, password } }),
    /** Confirms an address added for the `email` action with the mailed token; needs no session. */
    verifyEmail: (token: string) =>
      http.json<{ email: string; verified: boolean }>("POST", "/v1/operators/add_email_token/verify", {
        body: { token },
      }),

    listApps: async () => (await http.json<ListPage<App>>("GET", "/v1/apps")).items,
    getApp: (appId: string) => http.json<App>("GET", `/v1/apps/${segment(appId)}`),
    createApp: (definition: AppDefinition | Record<string, unknown>) =>
      http.json<App>("POST", "/v1/apps", { body: definition }),
    /** With `onVersion`, the server refuses (412) when the app was saved since that version. */
    updateApp: (appId: string, definition: AppDefinition, onVersion?: number) =>
      http.json<App>("PUT", `/v1/apps/${segment(appId)}`, { body: definition, ...ifMatch(onVersion) }),
    deleteApp: (appId: string) => http.json<void>("DELETE", `/v1/apps/${segment(appId)}`),
    /** The saved app, and what the import changed on the way (an action turned off, new ids). */
    importApp: (text: string, yaml: boolean) =>
      http.json<App & { notes: AppProblem[] }>("POST", "/v1/apps/import", {
        body: text,
        contentType: yaml ? "application/yaml" : "application/json",
      }),
    /** Newest first, one page; its `nextCursor` asks for the older versions after it. */
    listAppVersions: (appId: string, page: PageQuery) =>
      http.json<ListPage<AppVersionSummary>>("GET", `/v1/apps/${segment(appId)}/versions${query(page)}`),
    getAppVersion: (appId: string, version: number) =>
      http.json<AppVersion>("GET", `/v1/apps/${segment(appId)}/versions/${version}`),
    /**
     * Saves an earlier version's definition as the app's newest version, the way the editor saves:
     * only if the app is still at `onVersion` (412 otherwise), so a save made meanwhile in another tab
     * is not overwritten.
     */
    restoreAppVersion: (appId: string, version: number, onVersion: number | undefined) =>
      http.json<App>("POST", `/v1/apps/${segment(appId)}/versions/${version}/restore`, ifMatch(onVersion)),
    exportApp: async (appId: string, format: "json" | "yaml") => {
      const response = await http.raw("GET", `/v1/apps/${segment(appId)}/export?format=${format}`);
      return response.text();
    },

    sendMessage: (appId: string, channelId: string, payload: JsonValue) =>
      http.json<{ executionId: string }>(
        "POST",
        `/v1/apps/${segment(appId)}/channels/${segment(channelId)}/messages`,
        { body: payload },
      ),
    /** Newest first, one page; its `nextCursor` asks for the older runs after it. */
    listRuns: (appId: string, filter: RunFilter) =>
      http.json<ListPage<RunSummary>>("GET", `/v1/apps/${segment(appId)}/runs${query(filter)}`),
    getRun: (appId: string, runId: string) =>
      http.json<RunDetail>("GET", `/v1/apps/${segment(appId)}/runs/${segment(runId)}`),
    replayRun: (appId: string, runId: string) =>
      http.json<{ runId: string }>("POST", `/v1/apps/${segment(appId)}/runs/${segment(runId)}/replay`),
    /** Newest first, one page; its `nextCursor` asks for the older failures after it. */
    listFailedDeliveries: (filter: FailedDeliveryFilter & PageQuery) =>
      http.json<ListPage<FailedDelivery>>("GET", `/v1/failed_deliveries${query(filter)}`),
    /** Queues every failed delivery matching the filter again; answers how many. */
    replayFailedDeliveries: (filter: FailedDeliveryFilter) =>
      http.json<{ requeued: number }>("POST", "/v1/failed_deliveries/replay", { body: filter }),
    followRun: (appId: string, runId: string, signal: AbortSignal) =>
      http.raw("GET", `/v1/apps/${segment(appId)}/runs/${segment(runId)}/events`, { signal }),

    listCredentials: () => http.json<CredentialSummary[]>("GET", "/v1/credentials"),
    putCredential: (credentialsId: string, credential: NewCredential) =>
      http.json<CredentialSummary>("PUT", `/v1/credentials/${segment(credentialsId)}`, { body: credential }),
    deleteCredential: (credentialsId: string) =>
      http.json<void>("DELETE", `/v1/credentials/${segment(credentialsId)}`),

    listAiModels: async () => (await http.json<ListPage<AiModel>>("GET", "/v1/ai/models")).items,
    tryAction: (type: TryActionType, config: JsonValue, payload: JsonValue) =>
      http.json<TryAnswer>("POST", "/v1/ai/try", { body: { type, config, payload } }),
  };
}

export type ConfluxApi = ReturnType<typeof createConfluxApi>;
