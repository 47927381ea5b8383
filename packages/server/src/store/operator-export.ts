import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

/** Rows read per query: the export is written as it is read, so a large account never sits in memory. */
const pageRows = 200;

type Row = Record<string, unknown>;

const parse = (text: string): unknown => JSON.parse(text);
const seconds = (ms: number | string) => Math.floor(Number(ms) / 1000);

/**
 * One section of the export: pages of an operator's rows in key order (keyset paging, so a page costs
 * the same at the end of a big table as at its start), each row shaped for the reader.
 */
interface Section {
  name: string;
  page(db: Kysely<Database>, operatorId: string, after: Row | undefined): Promise<Row[]>;
  shape(row: Row): Row;
}

const sections: Section[] = [
  {
    name: "apps",
    page: (db, operatorId, after) =>
      db
        .selectFrom("apps")
        .select(["appId", "name", "version", "definition", "createdAt", "updatedAt"])
        .where("operatorId", "=", operatorId)
        .$if(after !== undefined, (q) => q.where("appId", ">", String(after?.appId)))
        .orderBy("appId")
        .limit(pageRows)
        .execute(),
    shape: (row) => ({
      appId: row.appId,
      name: row.name,
      version: row.version,
      definition: parse(String(row.definition)),
      createDateTime: seconds(row.createdAt as number),
      updateDateTime: seconds(row.updatedAt as number),
    }),
  },
  {
    name: "appVersions",
    page: (db, operatorId, after) =>
      db
        .selectFrom("appVersions")
        .select(["appId", "version", "definition", "origin", "createdBy", "createdAt"])
        .where("operatorId", "=", operatorId)
        .$if(after !== undefined, (q) =>
          q.where((eb) =>
            eb.or([
              eb("appId", ">", String(after?.appId)),
              eb.and([eb("appId", "=", String(after?.appId)), eb("version", ">", Number(after?.version))]),
            ]),
          ),
        )
        .orderBy("appId")
        .orderBy("version")
        .limit(pageRows)
        .execute(),
    shape: (row) => ({
      appId: row.appId,
      version: row.version,
      definition: parse(String(row.definition)),
      ...(row.origin === null ? {} : { origin: row.origin }),
      ...(row.createdBy === null ? {} : { createdBy: row.createdBy }),
      createDateTime: seconds(row.createdAt as number),
    }),
  },
  {
    name: "groups",
    page: (db, operatorId, after) =>
      db
        .selectFrom("deviceGroups")
        .select(["groupId", "name", "tags", "config", "createdAt", "updatedAt"])
        .where("operatorId", "=", operatorId)
        .$if(after !== undefined, (q) => q.where("groupId", ">", String(after?.groupId)))
        .orderBy("groupId")
        .limit(pageRows)
        .execute(),
    shape: (row) => ({
      groupId: row.groupId,
      name: row.name,
      tags: parse(String(row.tags)),
      config: parse(String(row.config)),
      createDateTime: seconds(row.createdAt as number),
      updateDateTime: seconds(row.updatedAt as number),
    }),
  },
  {
    name: "devices",
    // Not the secret's hash: it is no use outside this service.
    page: (db, operatorId, after) =>
      db
        .selectFrom("devices")
        .select(["deviceId", "name", "groupId", "tags", "createdAt", "updatedAt"])
        .where("operatorId", "=", operatorId)
        .$if(after !== undefined, (q) => q.where("deviceId", ">", String(after?.deviceId)))
        .orderBy("deviceId")
        .limit(pageRows)
        .execute(),
    shape: (row) => ({
      deviceId: row.deviceId,
      name: row.name,
      ...(row.groupId === null ? {} : { groupId: row.groupId }),
      tags: parse(String(row.tags)),
      createDateTime: seconds(row.createdAt as number),
      updateDateTime: seconds(row.updatedAt as number),
    }),
  },
  {
    name: "dataEntries",
    page: (db, operatorId, after) =>
      db
        .selectFrom("dataEntries")
        .select(["entryId", "resourceType", "resourceId", "time", "contentType", "content"])
        .where("operatorId", "=", operatorId)
        .$if(after !== undefined, (q) => q.where("entryId", ">", String(after?.entryId)))
        .orderBy("entryId")
        .limit(pageRows)
        .execute(),
    // The time stays in ms: it is the entry's key in the data store's API.
    shape: (row) => ({
      resourceType: row.resourceType,
      resourceId: row.resourceId,
      time: Number(row.time),
      contentType: row.contentType,
      content: row.content,
    }),
  },
  {
    name: "files",
    page: (db, operatorId, after) =>
      db
        .selectFrom("files")
        .select(["path", "contentType", "size", "content", "createdAt", "updatedAt"])
        .where("operatorId", "=", operatorId)
        .$if(after !== undefined, (q) => q.where("path", ">", String(after?.path)))
        .orderBy("path")
        .limit(pageRows)
        .execute(),
    shape: (row) => ({
      path: row.path,
      contentType: row.contentType,
      size: Number(row.size),
      contentBase64: Buffer.from(row.content as Uint8Array).toString("base64"),
      createDateTime: seconds(row.createdAt as number),
      updateDateTime: seconds(row.updatedAt as number),
    }),
  },
];

/**
 * The operator's data as one JSON document [ToS 6 (ours)], written in pieces: `{operatorId,
 * exportDateTime, apps, appVersions, groups, devices, dataEntries, files}` (file contents in base64).
 */
export async function* exportOperator(
  db: Kysely<Database>,
  operatorId: string,
  now: number,
): AsyncGenerator<string> {
  yield `{"operatorId":${JSON.stringify(operatorId)},"exportDateTime":${seconds(now)}`;
  for (const section of sections) {
    yield `,${JSON.stringify(section.name)}:[`;
    let after: Row | undefined;
    let first = true;
    for (;;) {
      const rows = await section.page(db, operatorId, after);
      // One piece a page: a piece a row would be many small writes.
      if (rows.length)
        yield `${first ? "" : ","}${rows.map((row) => JSON.stringify(section.shape(row))).join(",")}`;
      first &&= rows.length === 0;
      if (rows.length < pageRows) break;
      after = rows[rows.length - 1];
    }
    yield "]";
  }
  yield "}";
}
