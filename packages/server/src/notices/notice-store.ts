import type { Kysely } from "kysely";
import { newId } from "../ids.ts";
import type { Database } from "../store/schema.ts";
import { type NoticeSeverity, type NoticesDb, type NoticesTables, noticesDbOf } from "./tables.ts";

export interface NoticeInput {
  title: string;
  body: string;
  severity: NoticeSeverity;
  /** Only these operators see it; absent, every operator does. */
  operatorIds?: readonly string[];
  startsAt?: number;
  endsAt?: number;
}

export interface Notice extends NoticeInput {
  noticeId: string;
  createdAt: number;
}

/** A notice as its operators see it: never the list of the other operators it was sent to. */
export type OperatorNotice = Omit<Notice, "operatorIds">;

export interface MaintenanceInput {
  title: string;
  body?: string;
  startsAt: number;
  endsAt: number;
}

export interface Maintenance extends MaintenanceInput {
  maintenanceId: string;
  createdAt: number;
}

function noticeOf(row: NoticesTables["notices"], operatorIds?: readonly string[]): Notice {
  return {
    noticeId: row.noticeId,
    title: row.title,
    body: row.body,
    severity: row.severity,
    ...(operatorIds === undefined ? {} : { operatorIds }),
    ...(row.startsAt === null ? {} : { startsAt: row.startsAt }),
    ...(row.endsAt === null ? {} : { endsAt: row.endsAt }),
    createdAt: row.createdAt,
  };
}

/**
 * The provider's notices and maintenance windows [5.2, 9.3]. An operator reads only those meant for
 * it (noticesFor, maintenanceAt), current and upcoming: one whose end has passed is no longer shown.
 */
export class NoticeStore {
  private readonly db: NoticesDb;

  constructor(db: Kysely<Database>) {
    this.db = noticesDbOf(db);
  }

  /** Of `operatorIds`, those no operator has (a notice cannot target them). */
  async unknownOperators(operatorIds: readonly string[]): Promise<string[]> {
    if (operatorIds.length === 0) return [];
    const known = await this.db
      .selectFrom("operators")
      .select("operatorId")
      .where("operatorId", "in", [...operatorIds])
      .execute();
    const knownIds = new Set(known.map((row) => row.operatorId));
    return operatorIds.filter((operatorId) => !knownIds.has(operatorId));
  }

  async createNotice(input: NoticeInput, now: number): Promise<Notice> {
    const noticeId = newId();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("notices")
        .values({ noticeId, ...this.noticeColumns(input), createdAt: now })
        .execute();
      await this.insertTargets(trx, noticeId, input.operatorIds);
    });
    return this.withTargets(input, { noticeId, createdAt: now });
  }

  /** Replaces every field but the id and creation time; undefined when there is no such notice. */
  async replaceNotice(noticeId: string, input: NoticeInput): Promise<Notice | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .updateTable("notices")
        .set(this.noticeColumns(input))
        .where("noticeId", "=", noticeId)
        .returning("createdAt")
        .executeTakeFirst();
      if (!existing) return undefined;
      await trx.deleteFrom("noticeOperators").where("noticeId", "=", noticeId).execute();
      await this.insertTargets(trx, noticeId, input.operatorIds);
      return this.withTargets(input, { noticeId, createdAt: existing.createdAt });
    });
  }

  async deleteNotice(noticeId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("noticeOperators").where("noticeId", "=", noticeId).execute();
      const deleted = await trx.deleteFrom("notices").where("noticeId", "=", noticeId).executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0;
    });
  }

  /** Every notice, past ones too, newest first: the provider's list. */
  async listNotices(): Promise<Notice[]> {
    const rows = await this.db
      .selectFrom("notices")
      .selectAll()
      .orderBy("createdAt", "desc")
      .orderBy("noticeId", "desc")
      .execute();
    const targets = await this.db.selectFrom("noticeOperators").selectAll().orderBy("operatorId").execute();
    const targetsOf = (noticeId: string) =>
      targets.filter((target) => target.noticeId === noticeId).map((target) => target.operatorId);
    return rows.map((row) => noticeOf(row, row.allOperators ? undefined : targetsOf(row.noticeId)));
  }

  /** The notices `operatorId` sees at `now`: meant for every operator or for it, not yet ended; newest first. */
  async noticesFor(operatorId: string, now: number): Promise<OperatorNotice[]> {
    const rows = await this.db
      .selectFrom("notices")
      .selectAll()
      .where((eb) =>
        eb.or([
          eb("allOperators", "=", 1),
          eb(
            "noticeId",
            "in",
            eb.selectFrom("noticeOperators").select("noticeId").where("operatorId", "=", operatorId),
          ),
        ]),
      )
      .where((eb) => eb.or([eb("endsAt", "is", null), eb("endsAt", ">", now)]))
      .orderBy("createdAt", "desc")
      .orderBy("noticeId", "desc")
      .execute();
    return rows.map((row) => noticeOf(row));
  }

  async createMaintenance(input: MaintenanceInput, now: number): Promise<Maintenance> {
    const maintenance = { maintenanceId: newId(), ...input, createdAt: now };
    await this.db
      .insertInto("maintenanceWindows")
      .values({ ...maintenance, body: input.body ?? null })
      .execute();
    return maintenance;
  }

  async deleteMaintenance(maintenanceId: string): Promise<boolean> {
    const deleted = await this.db
      .deleteFrom("maintenanceWindows")
      .where("maintenanceId", "=", maintenanceId)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }

  /** Every maintenance window, past ones too, latest start first: the provider's list. */
  async listMaintenance(): Promise<Maintenance[]> {
    const rows = await this.db
      .selectFrom("maintenanceWindows")
      .selectAll()
      .orderBy("startsAt", "desc")
      .orderBy("maintenanceId", "desc")
      .execute();
    return rows.map(maintenanceOf);
  }

  /** Maintenance windows under way or to come at `now` (for every operator), soonest first. */
  async maintenanceAt(now: number): Promise<Maintenance[]> {
    const rows = await this.db
      .selectFrom("maintenanceWindows")
      .selectAll()
      .where("endsAt", ">", now)
      .orderBy("startsAt")
      .orderBy("maintenanceId")
      .execute();
    return rows.map(maintenanceOf);
  }

  private noticeColumns(input: NoticeInput) {
    return {
      title: input.title,
      body: input.body,
      severity: input.severity,
      allOperators: input.operatorIds === undefined ? 1 : 0,
      startsAt: input.startsAt ?? null,
      endsAt: input.endsAt ?? null,
    };
  }

  private async insertTargets(trx: NoticesDb, noticeId: string, operatorIds?: readonly string[]) {
    const unique = [...new Set(operatorIds ?? [])];
    if (unique.length === 0) return;
    await trx
      .insertInto("noticeOperators")
      .values(unique.map((operatorId) => ({ noticeId, operatorId })))
      .execute();
  }

  private withTargets(input: NoticeInput, stored: { noticeId: string; createdAt: number }): Notice {
    const { operatorIds, ...fields } = input;
    return {
      noticeId: stored.noticeId,
      ...fields,
      ...(operatorIds === undefined ? {} : { operatorIds: [...new Set(operatorIds)].sort() }),
      createdAt: stored.createdAt,
    };
  }
}

function maintenanceOf(row: NoticesTables["maintenanceWindows"]): Maintenance {
  return {
    maintenanceId: row.maintenanceId,
    title: row.title,
    ...(row.body === null ? {} : { body: row.body }),
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    createdAt: row.createdAt,
  };
}
