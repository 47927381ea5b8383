import type { Generated } from "kysely";
/** Tables as Kysely sees them (camelCase here, snake_case in the database). Times are Unix ms. JSON is text. */

export interface OperatorsTable {
  operatorId: string;
  email: string;
  passwordHash: string;
  createdAt: number;
  /** The operator's standing with the provider. */
  status: Generated<OperatorStatus>;
  /** Why the provider refused or suspended it. */
  statusReason: string | null;
  statusChangedAt: number | null;
  /** The test clock whose time is this operator's "now" in billing (billing.md "Test clocks"). */
  testClockId: string | null;
  /** 1 while a sign-up made under required e-mail verification awaits its mailed link. */
  emailVerificationPending: Generated<number>;
  /** The provider's words to a suspended operator, beside the reason's code. */
  suspensionMessage: string | null;
}

export type OperatorStatus = "active" | "pending" | "refused" | "suspended";

export interface TestClocksTable {
  testClockId: string;
  frozenTime: number;
  createdAt: number;
  updatedAt: number;
}

export interface ProviderAdminsTable {
  email: string;
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
}

export interface ProviderTokensTable {
  tokenHash: string;
  apiKey: string;
  email: string;
  expiresAt: number;
  createdAt: number;
}

export interface ProviderSettingsTable {
  /** Always 1: the settings are one row. */
  id: number;
  /** The settings as JSON text. */
  settings: string;
  updatedAt: number;
}

export interface ApiTokensTable {
  tokenHash: string;
  apiKey: string;
  operatorId: string;
  expiresAt: number;
  createdAt: number;
  /** The user the token was issued to; null for the root user. */
  userName: string | null;
  /** For a token of POST /v1/auth/switch_user: the partner operator (and its user) acting. */
  actorOperatorId: string | null;
  actorUserName: string | null;
}

/** A user of an operator (SORACOM's SAM user). */
export interface UsersTable {
  operatorId: string;
  userName: string;
  description: string;
  /** argon2id; null until a password is set (a user may sign in with auth keys only). */
  passwordHash: string | null;
  /** The permission JSON text as the caller sent it; null when none is set. */
  permission: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface RolesTable {
  operatorId: string;
  roleId: string;
  description: string;
  permission: string;
  createdAt: number;
  updatedAt: number;
}

export interface UserRolesTable {
  operatorId: string;
  userName: string;
  roleId: string;
  createdAt: number;
}

/** The permission every user of the operator has, besides its own and its roles'. */
export interface DefaultPermissionsTable {
  operatorId: string;
  permission: string;
  updatedAt: number;
}

export interface AuthKeysTable {
  authKeyId: string;
  operatorId: string;
  /** Null for the root user's keys. */
  userName: string | null;
  /** SHA-256 of the secret: a copy of the database signs no one in. */
  secretHash: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface AppsTable {
  appId: string;
  operatorId: string;
  name: string;
  definition: string;
  /** The newest of the app's versions (app_versions). */
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** One saved definition of an app; never changed, deleted with the app. */
export interface AppVersionsTable {
  appId: string;
  version: number;
  operatorId: string;
  definition: string;
  createdAt: number;
  /** created, imported, saved or restored; null for versions from before migration 0009. */
  origin: string | null;
  /** The version a restore saved again. */
  restoredFrom: number | null;
  /** The e-mail address of the user whose request made the version. */
  createdBy: string | null;
}

export interface CredentialsTable {
  operatorId: string;
  credentialsId: string;
  type: string;
  description: string;
  /** AES-256-GCM sealed JSON of the secret values. */
  sealed: string;
  createdAt: number;
  updatedAt: number;
}

export interface IncomingWebhooksTable {
  webhookId: string;
  operatorId: string;
  appId: string;
  channelId: string;
  name: string;
  secretHash: string;
  createdAt: number;
}

export interface ExecutionsTable {
  executionId: string;
  operatorId: string;
  appId: string;
  channelId: string;
  eventType: string;
  dedupeKey: string | null;
  replayOf: string | null;
  /** The app version the execution started on; null for executions from before versions. */
  appVersion: number | null;
  createdAt: number;
}

export interface MessagesTable {
  messageId: string;
  executionId: string;
  operatorId: string;
  appId: string;
  channelId: string;
  hop: number;
  payload: string;
  context: string;
  /** The step whose output (or error output) produced this message; null for the triggering message. */
  parentStepId: string | null;
  createdAt: number;
}

export interface StepsTable {
  /** `<message id>:<action id>`: one step per action per message, whatever the retries. */
  stepId: string;
  executionId: string;
  messageId: string;
  operatorId: string;
  appId: string;
  channelId: string;
  actionId: string;
  actionType: string;
  status: string;
  conditionValue: number | null;
  input: string | null;
  result: string | null;
  error: string | null;
  usage: string | null;
  attempts: number;
  startedAt: number;
  finishedAt: number | null;
}

export interface JobsTable {
  jobId: string;
  operatorId: string;
  appId: string;
  executionId: string;
  messageId: string;
  actionId: string;
  /** When the job may be claimed: now, after an output delay or a retry backoff, or when a lease ends. */
  availableAt: number;
  /** Set while a worker holds the job. */
  leaseUntil: number | null;
  attempts: number;
  /** Tries that ended in a retry; the others of `attempts` (but the one under way) were cut short. */
  retries: number;
  /** Set at the first transient failure: no retry after this. */
  retryUntil: number | null;
  /** `scheme://host:port` the last try failed on, for its circuit breaker. */
  destination: string | null;
  createdAt: number;
}

/** One operator's circuit breaker for one destination (runtime/destination-breakers.ts). */
export interface DestinationBreakersTable {
  operatorId: string;
  destination: string;
  /** Transient failures in a row. */
  failures: number;
  /** Open until then: its jobs are parked; then one of them is let through to probe. */
  openUntil: number | null;
  /** The next wait while open, doubling to the retry cap. */
  waitMs: number;
  probeJobId: string | null;
  updatedAt: number;
}

export interface EmailSendsTable {
  sendId: string;
  operatorId: string;
  recipients: number;
  sentAt: number;
}

/** An account closing [ToS 6] waiting for its date; the sweep erases the operator at `deleteAt`. */
export interface OperatorClosingsTable {
  operatorId: string;
  /** `YYYY-MM-DD` in the billing time zone: the last day of the account. */
  effectiveDate: string;
  /** The start of the day after `effectiveDate`. */
  deleteAt: number;
  requestedBy: "operator" | "provider";
  reason: string | null;
  createdAt: number;
}

export interface DeviceGroupsTable {
  groupId: string;
  operatorId: string;
  name: string;
  tags: string;
  /** JSON of the group's configuration: app binding, keep data, binary parser. */
  config: string;
  createdAt: number;
  updatedAt: number;
}

export interface DevicesTable {
  deviceId: string;
  operatorId: string;
  groupId: string | null;
  name: string;
  tags: string;
  secretHash: string;
  createdAt: number;
  updatedAt: number;
  /** Added by devices/device-activity.ts, a second behind ingest. */
  lastSeenAt: Generated<number | null>;
  messageCount: Generated<number>;
}

export interface DataEntriesTable {
  entryId: string;
  operatorId: string;
  resourceType: string;
  resourceId: string;
  time: number;
  contentType: string;
  content: string;
}

export interface FilesTable {
  operatorId: string;
  path: string;
  contentType: string;
  size: number;
  content: Buffer;
  createdAt: number;
  updatedAt: number;
}

export interface UsageCountersTable {
  operatorId: string;
  /** Billing month (the provider's billing time zone; UTC before 0026), `YYYY-MM`. */
  month: string;
  metric: string;
  amount: number;
  updatedAt: number;
}

/** The same counts by day (the billing time zone's `YYYY-MM-DD`), for the daily chart. */
export interface UsageDailyCountersTable {
  operatorId: string;
  day: string;
  metric: string;
  amount: number;
  updatedAt: number;
}

export interface UsageQuotasTable {
  operatorId: string;
  metric: string;
  quota: number;
  updatedAt: number;
}

export interface FileEventsTable {
  eventId: string;
  operatorId: string;
  eventType: string;
  path: string;
  contentType: string;
  /** The hop the event's executions start at: 0 for an upload, more for a file an app's action wrote. */
  hop: number;
  createdAt: number;
}

/** One app channel's `file` event source, once per event type it listens to (store/file-sources.ts). */
export interface FileSourcesTable {
  operatorId: string;
  appId: string;
  channelId: string;
  eventType: string;
  pathPrefix: string;
}

export interface DeviceMessageKeysTable {
  deviceId: string;
  idempotencyKey: string;
  operatorId: string;
  /** 1 when the first message went into the data store. */
  stored: number;
  executionId: string | null;
  createdAt: number;
}

/** An operator's current window of API calls in one API group, or of AI requests (api-rate-windows.ts). */
export interface ApiRateWindowsTable {
  operatorId: string;
  /** The first tag of the route, as in its API name `<Group>:<operationId>`; `ai-requests` for AI requests. */
  apiGroup: string;
  /** Unix ms of the window's first call; the window lasts a minute. */
  windowStart: number;
  /** Calls taken in the window, refused ones included. */
  calls: number;
}

/** An ingest token bucket of an operator or one of its devices (bandwidth-buckets.ts). */
export interface BandwidthBucketsTable {
  operatorId: string;
  /** `operator`, or `device:<deviceId>`. */
  bucket: string;
  /** Bytes that may be taken as of `refilledAt`; below zero after a message larger than the burst. */
  tokens: number;
  /** Unix ms up to which the bucket has been refilled. */
  refilledAt: number;
  /** Bytes the last take got, 0 when refused: the upsert's answer. */
  granted: number;
  /** The last take's rate and request: how a batch's upsert passes each row its own (as `excluded`). */
  bytesPerSecond: number;
  burstBytes: number;
  leastBytes: number;
  mostBytes: number;
}

/** One audited call or sign-in (audit-logs.ts); kept 90 days. */
export interface AuditLogsTable {
  /** A ULID: orders rows of one millisecond and makes the page key unique. */
  auditId: string;
  operatorId: string;
  /** The route as OpenAPI writes it, `/v1/apps/{appId}` (SORACOM's apiKind). */
  apiKind: string;
  apiName: string | null;
  requestPath: string;
  /** Null for the root user. */
  userName: string | null;
  remoteIpAddress: string;
  requestedTimeEpochMs: number;
  statusCode: number;
  /** Who really called, when it was a partner through a switched token; null otherwise. */
  actorOperatorId: string | null;
  actorUserName: string | null;
}

/** An operator the provider marked as a partner (partners.ts). */
export interface PartnersTable {
  operatorId: string;
  createdAt: number;
}

/** A customer operator and the partner that created it (partners.ts). */
export interface PartnerCustomersTable {
  customerOperatorId: string;
  partnerOperatorId: string;
  createdAt: number;
}

/** A command for a device (devices/device-commands.ts). */
export interface DeviceCommandsTable {
  commandId: string;
  operatorId: string;
  deviceId: string;
  payload: string;
  /** pending, delivered (the device acknowledged it), expired, or published (handed to an external broker). */
  status: string;
  idempotencyKey: string | null;
  createdAt: number;
  expiresAt: number;
  deliveredAt: number | null;
}

/** A batch of a collect action, deleted when it is sent; an action has at most one open (taking messages). */
export interface CollectBatchesTable {
  batchId: string;
  operatorId: string;
  appId: string;
  actionId: string;
  /** 1 while it takes messages, 0 once full (and due). */
  isOpen: number;
  itemCount: number;
  /** When the batch is sent: its first message plus the window, or now once it is full. */
  dueAt: number;
  /** The step of the newest message in it: the sent batch is that step's output, one hop on. */
  lastStepId: string;
  lastMessageId: string;
  lastExecutionId: string;
  appVersion: number | null;
  createdAt: number;
}

/** A message in a collect batch; `seq` is its place in the batch, `stepId` the step that added it (once). */
export interface CollectItemsTable {
  batchId: string;
  seq: number;
  stepId: string;
  operatorId: string;
  payload: string;
  createdAt: number;
}

/** A plan the provider offers; `terms` is the JSON of its included amounts, overage, limits and features. */
export interface PlansTable {
  planId: string;
  name: string;
  /** Integer minor units of the provider's currency. */
  monthlyFee: number;
  terms: string;
  createdAt: number;
  updatedAt: number;
  /** Set when the provider deleted it: kept so past months still read the plan they were on. */
  deletedAt: number | null;
}

/** From `fromMs` on, the operator is on `planId` (until its next row); no row at all means `developer`. */
export interface OperatorPlansTable {
  operatorId: string;
  planId: string;
  fromMs: number;
  changedAt: number;
  /** The plan's name, fee and terms JSON as they were from `fromMs` (null only on rows from before they were kept). */
  name: string | null;
  monthlyFee: number | null;
  terms: string | null;
}

export interface Database {
  operators: OperatorsTable;
  providerAdmins: ProviderAdminsTable;
  providerTokens: ProviderTokensTable;
  providerSettings: ProviderSettingsTable;
  testClocks: TestClocksTable;
  apiTokens: ApiTokensTable;
  users: UsersTable;
  roles: RolesTable;
  userRoles: UserRolesTable;
  defaultPermissions: DefaultPermissionsTable;
  authKeys: AuthKeysTable;
  apps: AppsTable;
  appVersions: AppVersionsTable;
  credentials: CredentialsTable;
  incomingWebhooks: IncomingWebhooksTable;
  executions: ExecutionsTable;
  messages: MessagesTable;
  steps: StepsTable;
  jobs: JobsTable;
  destinationBreakers: DestinationBreakersTable;
  emailSends: EmailSendsTable;
  usageCounters: UsageCountersTable;
  usageDailyCounters: UsageDailyCountersTable;
  usageQuotas: UsageQuotasTable;
  deviceGroups: DeviceGroupsTable;
  devices: DevicesTable;
  dataEntries: DataEntriesTable;
  files: FilesTable;
  fileEvents: FileEventsTable;
  fileSources: FileSourcesTable;
  deviceMessageKeys: DeviceMessageKeysTable;
  apiRateWindows: ApiRateWindowsTable;
  bandwidthBuckets: BandwidthBucketsTable;
  auditLogs: AuditLogsTable;
  deviceCommands: DeviceCommandsTable;
  collectBatches: CollectBatchesTable;
  collectItems: CollectItemsTable;
  plans: PlansTable;
  operatorPlans: OperatorPlansTable;
  partners: PartnersTable;
  partnerCustomers: PartnerCustomersTable;
  operatorClosings: OperatorClosingsTable;
}
