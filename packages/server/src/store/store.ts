import type { App, AppDefinition, JsonValue, MessageContext } from "@conflux/core";
import type { VersionProvenance } from "./app-versions.ts";

/** The store seam: SQLite (embedded default) and PostgreSQL implement it with the same Kysely queries. */

export interface Operator {
  operatorId: string;
  email: string;
  passwordHash: string;
  createdAt: number;
}

export interface ApiToken {
  apiKey: string;
  operatorId: string;
  /** The user the token was issued to; absent for the root user. */
  userName?: string;
  expiresAt: number;
  /** Who really acts behind a token of POST /v1/auth/switch_user: the partner and its user. */
  actor?: TokenActor;
}

/** A partner operator's root user (no `userName`) or one of its users. */
export interface TokenActor {
  operatorId: string;
  userName?: string;
}

/** A token as authentication finds it: with the e-mail address of its operator's root user. */
/** A suspended operator's reason (store/operator-suspensions.ts) and the provider's words, if any. */
export interface Suspension {
  reason: string;
  message?: string;
}

export interface FoundToken extends ApiToken {
  email: string;
  /** Present while the operator is suspended (the API then answers only reads). */
  suspension?: Suspension;
}

export interface StoredCredential {
  credentialsId: string;
  type: string;
  description: string;
  /** Sealed secret values; only the secrets module can open them. */
  sealed: string;
  createdAt: number;
  updatedAt: number;
}

export interface IncomingWebhook {
  webhookId: string;
  operatorId: string;
  appId: string;
  channelId: string;
  name: string;
  createdAt: number;
}

export type StepStatus = "running" | "retrying" | "completed" | "skipped" | "disabled" | "failed";
export type ExecutionStatus = "running" | "completed" | "failed";

export interface StepError {
  code: string;
  message: string;
}

export interface StepRecord {
  stepId: string;
  executionId: string;
  messageId: string;
  channelId: string;
  actionId: string;
  actionType: string;
  status: StepStatus;
  conditionValue: boolean | null;
  input: JsonValue | null;
  result: JsonValue | null;
  error: StepError | null;
  usage: JsonValue | null;
  attempts: number;
  startedAt: number;
  finishedAt: number | null;
}

export interface MessageRecord {
  messageId: string;
  executionId: string;
  appId: string;
  channelId: string;
  hop: number;
  payload: JsonValue;
  context: MessageContext;
  parentStepId: string | null;
  createdAt: number;
}

export interface ExecutionSummary {
  executionId: string;
  appId: string;
  channelId: string;
  eventType: string;
  status: ExecutionStatus;
  replayOf: string | null;
  /** The app version the execution started on; null for executions from before app versions. */
  appVersion: number | null;
  createdAt: number;
}

export interface ExecutionDetail extends ExecutionSummary {
  messages: MessageRecord[];
  steps: StepRecord[];
}

export interface ExecutionFilter {
  status?: ExecutionStatus;
  channelId?: string;
  actionId?: string;
  from?: number;
  to?: number;
  /** Executions older than this id (ids sort by time): the next page. */
  before?: string;
  limit: number;
}

/** Everything one operator may touch. Every query below is scoped by that operator's id. */
export interface OperatorStore {
  readonly operatorId: string;
  listApps(): Promise<App[]>;
  getApp(appId: string): Promise<App | undefined>;
  /** Version 1 records `provenance`: by default, created by no user. */
  createApp(appId: string, definition: AppDefinition, provenance?: VersionProvenance): Promise<App>;
  /**
   * Undefined when there is no such app, or when `expectedVersion` is given and the app is at another.
   * The new version records `provenance`: by default, saved by no user.
   */
  updateApp(
    appId: string,
    definition: AppDefinition,
    expectedVersion?: number,
    provenance?: VersionProvenance,
  ): Promise<App | undefined>;
  deleteApp(appId: string): Promise<boolean>;
  /** The apps with an enabled `file` event source for this change (its event type, a prefix of its path). */
  listAppsWithFileSource(change: { eventType: string; path: string }): Promise<App[]>;

  listCredentials(): Promise<StoredCredential[]>;
  getCredential(credentialsId: string): Promise<StoredCredential | undefined>;
  putCredential(credential: Omit<StoredCredential, "createdAt" | "updatedAt">): Promise<StoredCredential>;
  deleteCredential(credentialsId: string): Promise<boolean>;

  listIncomingWebhooks(appId: string, channelId: string): Promise<IncomingWebhook[]>;
  createIncomingWebhook(
    webhook: Omit<IncomingWebhook, "operatorId" | "createdAt">,
    secretHash: string,
  ): Promise<IncomingWebhook>;
  deleteIncomingWebhook(appId: string, webhookId: string): Promise<boolean>;

  listExecutions(appId: string, filter: ExecutionFilter): Promise<ExecutionSummary[]>;
  getExecution(appId: string, executionId: string): Promise<ExecutionDetail | undefined>;
  /** The messages of one execution's run, for the runtime: the triggering one is the execution id. */
  getMessage(messageId: string): Promise<MessageRecord | undefined>;

  countEmailRecipientsSince(since: number): Promise<number>;
  recordEmailSend(recipients: number, sentAt: number): Promise<void>;
}

/** Whose runs a retention sweep deletes: every operator's by default. */
export interface HistoryScope {
  only?: readonly string[];
  except?: readonly string[];
}

export interface Store {
  forOperator(operatorId: string): OperatorStore;
  createOperator(operator: Operator): Promise<"created" | "email_taken" | "id_taken">;
  findOperatorByEmail(email: string): Promise<Operator | undefined>;
  saveToken(tokenHash: string, token: ApiToken): Promise<void>;
  findToken(tokenHash: string): Promise<FoundToken | undefined>;
  /** Ends a token only together with its own API key: a token with someone else's key ends nothing. */
  deleteToken(tokenHash: string, apiKey: string): Promise<void>;
  /** Ends every token of one user of the operator, or of its root user when `userName` is absent. */
  deleteTokensOf(operatorId: string, userName?: string): Promise<number>;
  /** The one lookup across operators: an incoming webhook is found by its secret alone. */
  findIncomingWebhookBySecret(secretHash: string): Promise<IncomingWebhook | undefined>;
  /** Every app of every operator, for the scheduler at start-up. */
  listAllApps(): Promise<Array<{ operatorId: string; app: App }>>;
  /**
   * Deletes runs started before `cutoff` that have nothing left to do; returns how many. `scope`
   * narrows it to some operators (`only`) or leaves some out (`except`): their plans keep runs longer or shorter.
   */
  deleteHistoryBefore(cutoff: number, scope?: HistoryScope): Promise<number>;
  /** Readiness probe: a round trip to the database. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
