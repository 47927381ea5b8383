import type { App, AppDefinition, JsonValue, MessageContext } from "@conflux/core";
import DataLoader from "dataloader";
import { type Kysely, PostgresAdapter, type Selectable, sql } from "kysely";
import { ulid } from "ulid";
import { CompiledStatement } from "../bus/compiled-statement.ts";
import { recordAppVersion, type VersionProvenance } from "./app-versions.ts";
import { appIdsListeningTo, recordFileSources } from "./file-sources.ts";
import { MessageCache } from "./message-cache.ts";
import type { Database, MessagesTable, StepsTable } from "./schema.ts";
import type {
  ApiToken,
  ExecutionDetail,
  ExecutionFilter,
  ExecutionStatus,
  ExecutionSummary,
  FoundToken,
  HistoryScope,
  IncomingWebhook,
  MessageRecord,
  Operator,
  OperatorStore,
  StepRecord,
  StepStatus,
  Store,
  StoredCredential,
} from "./store.ts";

function selectTokens(db: Kysely<Database>) {
  return db
    .selectFrom("apiTokens as t")
    .innerJoin("operators as o", "o.operatorId", "t.operatorId")
    .select([
      "t.apiKey",
      "t.operatorId",
      "t.userName",
      "t.expiresAt",
      "t.actorOperatorId",
      "t.actorUserName",
      "o.email",
    ])
    .select(["o.status", "o.statusReason", "o.suspensionMessage"]);
}

type TokenRow = Awaited<ReturnType<ReturnType<typeof selectTokens>["executeTakeFirstOrThrow"]>>;

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

function parseJson<T = JsonValue>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function toMessageRecord(row: Selectable<MessagesTable>): MessageRecord {
  return {
    messageId: row.messageId,
    executionId: row.executionId,
    appId: row.appId,
    channelId: row.channelId,
    hop: row.hop,
    payload: JSON.parse(row.payload) as JsonValue,
    context: JSON.parse(row.context) as MessageContext,
    parentStepId: row.parentStepId,
    createdAt: row.createdAt,
  };
}

export function toStepRecord(row: Selectable<StepsTable>): StepRecord {
  return {
    stepId: row.stepId,
    executionId: row.executionId,
    messageId: row.messageId,
    channelId: row.channelId,
    actionId: row.actionId,
    actionType: row.actionType,
    status: row.status as StepStatus,
    conditionValue: row.conditionValue === null ? null : row.conditionValue === 1,
    input: parseJson(row.input),
    result: parseJson(row.result),
    error: parseJson(row.error),
    usage: parseJson(row.usage),
    attempts: row.attempts,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

function toApp(row: {
  appId: string;
  definition: string;
  version: number;
  createdAt: number;
  updatedAt: number;
}): App {
  return {
    ...(JSON.parse(row.definition) as AppDefinition),
    appId: row.appId,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** An execution is running while it has jobs, failed when any step failed, completed otherwise. */
const executionStatus = sql<ExecutionStatus>`case
  when exists (select 1 from jobs j where j.execution_id = e.execution_id) then 'running'
  when exists (select 1 from steps s where s.execution_id = e.execution_id and s.status = 'failed') then 'failed'
  else 'completed' end`;

/** What a run's summary shows besides its status (listed and read alike). */
const executionSummaryColumns = [
  "e.executionId",
  "e.appId",
  "e.channelId",
  "e.eventType",
  "e.replayOf",
  "e.appVersion",
  "e.createdAt",
] as const;

/**
 * The runtime reads an app for every job; apps change rarely. Writes through this process drop their
 * entry at once; another process's change is seen within `ttlMs` (PostgreSQL with several workers).
 */
export class AppCache {
  private readonly entries = new Map<string, { operatorId: string; app: App; fetchedAt: number }>();

  constructor(private readonly ttlMs = 1_000) {}

  get(operatorId: string, appId: string): App | undefined {
    const entry = this.entries.get(appId);
    if (!entry || entry.operatorId !== operatorId || Date.now() - entry.fetchedAt > this.ttlMs)
      return undefined;
    return entry.app;
  }

  set(operatorId: string, app: App): void {
    if (this.entries.size >= 10_000) this.entries.clear();
    this.entries.set(app.appId, { operatorId, app, fetchedAt: Date.now() });
  }

  forget(appId: string): void {
    this.entries.delete(appId);
  }
}

class SqlOperatorStore implements OperatorStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly operatorId: string,
    private readonly apps: AppCache,
    private readonly messages: MessageCache,
  ) {}

  async listApps(): Promise<App[]> {
    const rows = await this.db
      .selectFrom("apps")
      .select(["appId", "definition", "version", "createdAt", "updatedAt"])
      .where("operatorId", "=", this.operatorId)
      .orderBy("appId")
      .execute();
    return rows.map(toApp);
  }

  async getApp(appId: string): Promise<App | undefined> {
    const cached = this.apps.get(this.operatorId, appId);
    if (cached) return cached;
    const row = await this.db
      .selectFrom("apps")
      .select(["appId", "definition", "version", "createdAt", "updatedAt"])
      .where("operatorId", "=", this.operatorId)
      .where("appId", "=", appId)
      .executeTakeFirst();
    const app = row && toApp(row);
    if (app) this.apps.set(this.operatorId, app);
    return app;
  }

  async createApp(
    appId: string,
    definition: AppDefinition,
    provenance: VersionProvenance = { origin: "created" },
  ): Promise<App> {
    const now = Date.now();
    const json = JSON.stringify(definition);
    const saved = { operatorId: this.operatorId, appId, version: 1, definition: json, createdAt: now };
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("apps")
        .values({ ...saved, name: definition.name, updatedAt: now })
        .execute();
      await recordAppVersion(trx, saved, provenance);
      await recordFileSources(trx, this.operatorId, appId, definition);
    });
    return { ...definition, appId, version: 1, createdAt: now, updatedAt: now };
  }

  /** Saves the definition as the app's next version; the row lock on the app keeps version numbers unique. */
  async updateApp(
    appId: string,
    definition: AppDefinition,
    expectedVersion?: number,
    provenance: VersionProvenance = { origin: "saved" },
  ): Promise<App | undefined> {
    const now = Date.now();
    const json = JSON.stringify(definition);
    const row = await this.db.transaction().execute(async (trx) => {
      let update = trx
        .updateTable("apps")
        .set((eb) => ({
          name: definition.name,
          definition: json,
          version: eb("version", "+", 1),
          updatedAt: now,
        }))
        .where("operatorId", "=", this.operatorId)
        .where("appId", "=", appId);
      // In the statement itself, so two saves made on one version cannot both pass the check.
      if (expectedVersion !== undefined) update = update.where("version", "=", expectedVersion);
      const updated = await update
        .returning(["appId", "definition", "version", "createdAt", "updatedAt"])
        .executeTakeFirst();
      if (updated) {
        await recordAppVersion(
          trx,
          { operatorId: this.operatorId, appId, version: updated.version, definition: json, createdAt: now },
          provenance,
        );
        await recordFileSources(trx, this.operatorId, appId, definition);
      }
      return updated;
    });
    // After the commit: a read between the two would otherwise cache the version being replaced.
    this.apps.forget(appId);
    return row && toApp(row);
  }

  async deleteApp(appId: string): Promise<boolean> {
    this.apps.forget(appId);
    const result = await this.db
      .deleteFrom("apps")
      .where("operatorId", "=", this.operatorId)
      .where("appId", "=", appId)
      .executeTakeFirst();
    if (result.numDeletedRows > 0n) {
      await this.db
        .deleteFrom("jobs")
        .where("operatorId", "=", this.operatorId)
        .where("appId", "=", appId)
        .execute();
    }
    return result.numDeletedRows > 0n;
  }

  /** One statement reads the index and the apps it names, so both come from the same commit. */
  async listAppsWithFileSource(change: { eventType: string; path: string }): Promise<App[]> {
    const rows = await this.db
      .selectFrom("apps")
      .select(["appId", "definition", "version", "createdAt", "updatedAt"])
      .where("operatorId", "=", this.operatorId)
      .where("appId", "in", appIdsListeningTo(this.db, this.operatorId, change))
      .orderBy("appId")
      .execute();
    return rows.map(toApp);
  }

  listCredentials(): Promise<StoredCredential[]> {
    return this.db
      .selectFrom("credentials")
      .select(["credentialsId", "type", "description", "sealed", "createdAt", "updatedAt"])
      .where("operatorId", "=", this.operatorId)
      .orderBy("credentialsId")
      .execute();
  }

  getCredential(credentialsId: string): Promise<StoredCredential | undefined> {
    return this.db
      .selectFrom("credentials")
      .select(["credentialsId", "type", "description", "sealed", "createdAt", "updatedAt"])
      .where("operatorId", "=", this.operatorId)
      .where("credentialsId", "=", credentialsId)
      .executeTakeFirst();
  }

  async putCredential(
    credential: Omit<StoredCredential, "createdAt" | "updatedAt">,
  ): Promise<StoredCredential> {
    const now = Date.now();
    const row = { ...credential, operatorId: this.operatorId, createdAt: now, updatedAt: now };
    await this.db
      .insertInto("credentials")
      .values(row)
      .onConflict((conflict) =>
        conflict.columns(["operatorId", "credentialsId"]).doUpdateSet({
          type: credential.type,
          description: credential.description,
          sealed: credential.sealed,
          updatedAt: now,
        }),
      )
      .execute();
    return (await this.getCredential(credential.credentialsId)) as StoredCredential;
  }

  async deleteCredential(credentialsId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("credentials")
      .where("operatorId", "=", this.operatorId)
      .where("credentialsId", "=", credentialsId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  listIncomingWebhooks(appId: string, channelId: string): Promise<IncomingWebhook[]> {
    return this.db
      .selectFrom("incomingWebhooks")
      .select(["webhookId", "operatorId", "appId", "channelId", "name", "createdAt"])
      .where("operatorId", "=", this.operatorId)
      .where("appId", "=", appId)
      .where("channelId", "=", channelId)
      .orderBy("webhookId")
      .execute();
  }

  async createIncomingWebhook(
    webhook: Omit<IncomingWebhook, "operatorId" | "createdAt">,
    secretHash: string,
  ): Promise<IncomingWebhook> {
    const row = { ...webhook, operatorId: this.operatorId, createdAt: Date.now() };
    await this.db
      .insertInto("incomingWebhooks")
      .values({ ...row, secretHash })
      .execute();
    return row;
  }

  async deleteIncomingWebhook(appId: string, webhookId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("incomingWebhooks")
      .where("operatorId", "=", this.operatorId)
      .where("appId", "=", appId)
      .where("webhookId", "=", webhookId)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async listExecutions(appId: string, filter: ExecutionFilter): Promise<ExecutionSummary[]> {
    let inner = this.db
      .selectFrom("executions as e")
      .select(executionSummaryColumns)
      .select(executionStatus.as("status"))
      .where("e.operatorId", "=", this.operatorId)
      .where("e.appId", "=", appId);
    if (filter.before) inner = inner.where("e.executionId", "<", filter.before);
    if (filter.from !== undefined) inner = inner.where("e.createdAt", ">=", filter.from);
    if (filter.to !== undefined) inner = inner.where("e.createdAt", "<", filter.to);
    if (filter.channelId) {
      const channelId = filter.channelId;
      inner = inner.where(({ exists, selectFrom }) =>
        exists(
          selectFrom("messages as m")
            .select("m.messageId")
            .whereRef("m.executionId", "=", "e.executionId")
            .where("m.channelId", "=", channelId),
        ),
      );
    }
    if (filter.actionId) {
      const actionId = filter.actionId;
      inner = inner.where(({ exists, selectFrom }) =>
        exists(
          selectFrom("steps as s")
            .select("s.stepId")
            .whereRef("s.executionId", "=", "e.executionId")
            .where("s.actionId", "=", actionId),
        ),
      );
    }
    let query = this.db.selectFrom(inner.as("x")).selectAll();
    if (filter.status) query = query.where("x.status", "=", filter.status);
    return query.orderBy("x.executionId", "desc").limit(filter.limit).execute();
  }

  async getExecution(appId: string, executionId: string): Promise<ExecutionDetail | undefined> {
    const summary = await this.db
      .selectFrom("executions as e")
      .select(executionSummaryColumns)
      .select(executionStatus.as("status"))
      .where("e.operatorId", "=", this.operatorId)
      .where("e.appId", "=", appId)
      .where("e.executionId", "=", executionId)
      .executeTakeFirst();
    if (!summary) return undefined;
    const [messages, steps] = await Promise.all([
      this.db
        .selectFrom("messages")
        .selectAll()
        .where("operatorId", "=", this.operatorId)
        .where("executionId", "=", executionId)
        .orderBy("createdAt")
        .orderBy("hop")
        .execute(),
      this.db
        .selectFrom("steps")
        .selectAll()
        .where("operatorId", "=", this.operatorId)
        .where("executionId", "=", executionId)
        .orderBy("startedAt")
        .execute(),
    ]);
    return { ...summary, messages: messages.map(toMessageRecord), steps: steps.map(toStepRecord) };
  }

  async getMessage(messageId: string): Promise<MessageRecord | undefined> {
    const cached = this.messages.get(this.operatorId, messageId);
    if (cached) return toMessageRecord(cached);
    const row = await this.db
      .selectFrom("messages")
      .selectAll()
      .where("operatorId", "=", this.operatorId)
      .where("messageId", "=", messageId)
      .executeTakeFirst();
    if (row) this.messages.remember(row);
    return row && toMessageRecord(row);
  }

  async countEmailRecipientsSince(since: number): Promise<number> {
    const row = await this.db
      .selectFrom("emailSends")
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("recipients"), sql<number>`0`).as("total"))
      .where("operatorId", "=", this.operatorId)
      .where("sentAt", ">=", since)
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }

  async recordEmailSend(recipients: number, sentAt: number): Promise<void> {
    await this.db
      .insertInto("emailSends")
      .values({ sendId: ulid(), operatorId: this.operatorId, recipients, sentAt })
      .execute();
  }
}

export class SqlStore implements Store {
  private readonly apps = new AppCache();
  /** Shared with the bus, which adds the messages it commits. */
  readonly messages = new MessageCache();

  /** Every authenticated request looks its token up: built and compiled once (for this database), not per request. */
  private readonly findTokenStatement = new CompiledStatement<{ tokenHash: string }>(
    ["tokenHash"],
    (db, { tokenHash }) => selectTokens(db).where("t.tokenHash", "=", tokenHash),
  );
  private readonly findTokensStatement = new CompiledStatement<{ tokenHashes: string[] }>(
    ["tokenHashes"],
    (db, { tokenHashes }) =>
      selectTokens(db).select("t.tokenHash").where(sql<boolean>`t.token_hash = any(${tokenHashes}::text[])`),
  );
  /**
   * PostgreSQL: the lookups of the requests that arrive together share one query, as a round trip a
   * request cost more than the lookup. Nothing is cached: a revoked token fails its next request.
   */
  private readonly tokenLookups: DataLoader<string, TokenRow | undefined> | undefined;

  constructor(readonly db: Kysely<Database>) {
    if (db.getExecutor().adapter instanceof PostgresAdapter)
      this.tokenLookups = new DataLoader((tokenHashes) => this.findTokenRows(tokenHashes), {
        cache: false,
        // After the I/O callbacks of this turn, so every request read in it joins the query.
        batchScheduleFn: (lookUp) => setImmediate(lookUp),
        maxBatchSize: 256,
      });
  }

  private async findTokenRows(tokenHashes: readonly string[]): Promise<Array<TokenRow | undefined>> {
    const { rows } = await this.findTokensStatement.execute(this.db, { tokenHashes: [...tokenHashes] });
    const byHash = new Map(
      (rows as Array<TokenRow & { tokenHash: string }>).map(({ tokenHash, ...row }) => [tokenHash, row]),
    );
    return tokenHashes.map((tokenHash) => byHash.get(tokenHash));
  }

  forOperator(operatorId: string): OperatorStore {
    return new SqlOperatorStore(this.db, operatorId, this.apps, this.messages);
  }

  async createOperator(operator: Operator): Promise<"created" | "email_taken" | "id_taken"> {
    try {
      await this.db.insertInto("operators").values(operator).execute();
      return "created";
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return (await this.findOperatorByEmail(operator.email)) ? "email_taken" : "id_taken";
    }
  }

  findOperatorByEmail(email: string): Promise<Operator | undefined> {
    return this.db.selectFrom("operators").selectAll().where("email", "=", email).executeTakeFirst();
  }

  async saveToken(tokenHash: string, token: ApiToken): Promise<void> {
    await this.db
      .insertInto("apiTokens")
      .values({
        tokenHash,
        apiKey: token.apiKey,
        operatorId: token.operatorId,
        userName: token.userName ?? null,
        expiresAt: token.expiresAt,
        createdAt: Date.now(),
        actorOperatorId: token.actor?.operatorId ?? null,
        actorUserName: token.actor?.userName ?? null,
      })
      .execute();
  }

  async findToken(tokenHash: string): Promise<FoundToken | undefined> {
    const row = this.tokenLookups
      ? await this.tokenLookups.load(tokenHash)
      : ((await this.findTokenStatement.execute(this.db, { tokenHash })).rows[0] as TokenRow | undefined);
    if (!row) return undefined;
    const { userName, actorOperatorId, actorUserName, status, statusReason, suspensionMessage, ...token } =
      row;
    const actor =
      actorOperatorId === null
        ? undefined
        : { operatorId: actorOperatorId, ...(actorUserName === null ? {} : { userName: actorUserName }) };
    const suspension =
      status === "suspended"
        ? {
            reason: statusReason ?? "other",
            ...(suspensionMessage === null ? {} : { message: suspensionMessage }),
          }
        : undefined;
    return {
      ...token,
      ...(userName === null ? {} : { userName }),
      ...(actor === undefined ? {} : { actor }),
      ...(suspension ? { suspension } : {}),
    };
  }

  async deleteTokensOf(operatorId: string, userName?: string): Promise<number> {
    const result = await this.db
      .deleteFrom("apiTokens")
      .where("operatorId", "=", operatorId)
      .where("userName", userName === undefined ? "is" : "=", userName ?? null)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteToken(tokenHash: string, apiKey: string): Promise<void> {
    await this.db
      .deleteFrom("apiTokens")
      .where("tokenHash", "=", tokenHash)
      .where("apiKey", "=", apiKey)
      .execute();
  }

  findIncomingWebhookBySecret(secretHash: string): Promise<IncomingWebhook | undefined> {
    return this.db
      .selectFrom("incomingWebhooks")
      .select(["webhookId", "operatorId", "appId", "channelId", "name", "createdAt"])
      .where("secretHash", "=", secretHash)
      .executeTakeFirst();
  }

  async listAllApps(): Promise<Array<{ operatorId: string; app: App }>> {
    const rows = await this.db
      .selectFrom("apps")
      .select(["operatorId", "appId", "definition", "version", "createdAt", "updatedAt"])
      .execute();
    return rows.map((row) => ({ operatorId: row.operatorId, app: toApp(row) }));
  }

  async deleteHistoryBefore(cutoff: number, scope: HistoryScope = {}): Promise<number> {
    const { only, except = [] } = scope;
    if (only?.length === 0) return 0;
    const batchSize = 500;
    let deleted = 0;
    for (;;) {
      const batch = await this.db.transaction().execute(async (trx) => {
        const rows = await trx
          .selectFrom("executions as e")
          .select("e.executionId")
          .where("e.createdAt", "<", cutoff)
          .$if(only !== undefined, (query) => query.where("e.operatorId", "in", only ?? []))
          .$if(except.length > 0, (query) => query.where("e.operatorId", "not in", except))
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom("jobs as j").select("j.jobId").whereRef("j.executionId", "=", "e.executionId"),
              ),
            ),
          )
          // A collect batch not sent yet goes out as part of the run of its newest message.
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom("collectBatches as c")
                  .select("c.batchId")
                  .whereRef("c.lastExecutionId", "=", "e.executionId"),
              ),
            ),
          )
          .limit(batchSize)
          .execute();
        const ids = rows.map((row) => row.executionId);
        if (ids.length === 0) return 0;
        await trx.deleteFrom("steps").where("executionId", "in", ids).execute();
        await trx.deleteFrom("messages").where("executionId", "in", ids).execute();
        await trx.deleteFrom("executions").where("executionId", "in", ids).execute();
        return ids.length;
      });
      deleted += batch;
      if (batch < batchSize) return deleted;
    }
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
