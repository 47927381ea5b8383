import type { AppDefinition } from "@conflux/core";
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

/** What made a version: the app's creation, an import, a save, or a restore of an earlier version. */
export const versionOrigins = ["created", "imported", "saved", "restored"] as const;
export type VersionOrigin = (typeof versionOrigins)[number];

/** What made a version, and who: recorded with it, never changed. */
export type VersionProvenance = { createdBy?: string | null } & (
  | { origin: "created" | "imported" | "saved" }
  | { origin: "restored"; restoredFrom: number }
);

export interface AppVersionSummary {
  appId: string;
  version: number;
  createdAt: number;
  /** Null for versions recorded before origins were kept. */
  origin: VersionOrigin | null;
  /** The version a restore saved again; null for other origins. */
  restoredFrom: number | null;
  /** The e-mail address of the user whose request made the version; null when none did or it is unknown. */
  createdBy: string | null;
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
  provenance: VersionProvenance,
): Promise<void> {
  await trx
    .insertInto("appVersions")
    .values({
      ...row,
      origin: provenance.origin,
      restoredFrom: provenance.origin === "restored" ? provenance.restoredFrom : null,
      createdBy: provenance.createdBy ?? null,
    })
    .execute();
}

const summaryColumns = ["appId", "version", "createdAt", "origin", "restoredFrom", "createdBy"] as const;

/** The column is text; only recordAppVersion writes it, with a VersionOrigin. */
function toSummary<Row extends { origin: string | null }>(row: Row): Row & { origin: VersionOrigin | null } {
  return { ...row, origin: row.origin as VersionOrigin | null };
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
      .select(summaryColumns)
      .where("operatorId", "=", this.operatorId)
      .where("appId", "=", appId);
    if (page.before !== undefined) query = query.where("version", "<", page.before);
    return (await query.orderBy("version", "desc").limit(page.limit).execute()).map(toSummary);
  }

  async get(appId: string, version: number): Promise<AppVersion | undefined> {
    const row = await this.db
      .selectFrom("appVersions")
      .select([...summaryColumns, "definition"])
      .where("operatorId", "=", this.operatorId)
      .where("appId", "=", appId)
      .where("version", "=", version)
      .executeTakeFirst();
    return row && { ...toSummary(row), definition: JSON.parse(row.definition) as AppDefinition };
  }
}

export class AppVersionStore {
  constructor(private readonly db: Kysely<Database>) {}

  forOperator(operatorId: string): OperatorAppVersions {
    return new OperatorAppVersions(this.db, operatorId);
  }
}
