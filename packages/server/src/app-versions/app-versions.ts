import type { AppDefinition } from "@conflux/core";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.ts";

export interface AppVersionSummary {
  appId: string;
  version: number;
  createdAt: number;
}

export interface AppVersion extends AppVersionSummary {
  definition: AppDefinition;
}

export interface AppVersionPage {
  /** Versions older than this one: the next page. */
  before?: number;
  limit: number;
}

/** Records a save: called by the store inside the transaction that writes the app row. */
export async function recordAppVersion(
  trx: Kysely<Database>,
  row: { operatorId: string; appId: string; version: number; definition: string; createdAt: number },
): Promise<void> {
  await trx.insertInto("appVersions").values(row).execute();
}

/** One operator's app versions; every query is scoped by that operator's id. */
export class OperatorAppVersions {
  constructor(
    private readonly db: Kysely<Database>,
    readonly operatorId: string,
  ) {}

  /** Newest first, without definitions. */
  async list(appId: string, page: AppVersionPage): Promise<AppVersionSummary[]> {
    let query = this.db
      .selectFrom("appVersions")
      .select(["appId", "version", "createdAt"])
      .where("operatorId", "=", this.operatorId)
      .where("appId", "=", appId);
    if (page.before !== undefined) query = query.where("version", "<", page.before);
    return query.orderBy("version", "desc").limit(page.limit).execute();
  }

  async get(appId: string, version: number): Promise<AppVersion | undefined> {
    const row = await this.db
      .selectFrom("appVersions")
      .select(["appId", "version", "createdAt", "definition"])
      .where("operatorId", "=", this.operatorId)
      .where("appId", "=", appId)
      .where("version", "=", version)
      .executeTakeFirst();
    return row && { ...row, definition: JSON.parse(row.definition) as AppDefinition };
  }
}

export class AppVersionStore {
  constructor(private readonly db: Kysely<Database>) {}

  forOperator(operatorId: string): OperatorAppVersions {
    return new OperatorAppVersions(this.db, operatorId);
  }
}
