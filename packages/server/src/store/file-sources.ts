import type { AppDefinition, EventSource } from "@conflux/core";
import type { Kysely } from "kysely";
import type { Database, FileSourcesTable } from "./schema.ts";

/**
 * The index of `file` event sources: a row per app channel and event type it listens to. The store
 * writes it in the transaction that saves the app, and the foreign key deletes it with the app, so every
 * server sharing the database sees the same index as the apps themselves: a file change reads only the
 * apps whose file source it may start, not every app of the operator.
 */

type FileSource = Extract<EventSource, { type: "file" }>;

/** The enabled `file` event sources of an app, in channel order. */
export function fileSourcesOf(definition: AppDefinition): Array<{ channelId: string; source: FileSource }> {
  return definition.channels.flatMap((channel) =>
    channel.eventSource?.type === "file" && channel.eventSource.enabled
      ? [{ channelId: channel.channelId, source: channel.eventSource }]
      : [],
  );
}

/** An app's rows in the index: one per enabled file source and event type it listens to. */
export function fileSourceRows(
  operatorId: string,
  appId: string,
  definition: AppDefinition,
): FileSourcesTable[] {
  return fileSourcesOf(definition).flatMap(({ channelId, source }) =>
    [...new Set(source.config.eventTypes)].map((eventType) => ({
      operatorId,
      appId,
      channelId,
      eventType,
      pathPrefix: source.config.pathPrefix,
    })),
  );
}

/** Replaces an app's rows: called by the store inside the transaction that writes the app row. */
export async function recordFileSources(
  trx: Kysely<Database>,
  operatorId: string,
  appId: string,
  definition: AppDefinition,
): Promise<void> {
  await trx
    .deleteFrom("fileSources")
    .where("operatorId", "=", operatorId)
    .where("appId", "=", appId)
    .execute();
  const rows = fileSourceRows(operatorId, appId, definition);
  if (rows.length > 0) await trx.insertInto("fileSources").values(rows).execute();
}

/** The ids of the operator's apps with a file source for this event type whose prefix `path` starts with. */
export function appIdsListeningTo(
  db: Kysely<Database>,
  operatorId: string,
  change: { eventType: string; path: string },
) {
  return db
    .selectFrom("fileSources")
    .select("appId")
    .where("operatorId", "=", operatorId)
    .where("eventType", "=", change.eventType)
    .where((eb) =>
      eb(
        eb.fn("substr", [eb.cast(eb.val(change.path), "text"), eb.lit(1), eb.fn("length", ["pathPrefix"])]),
        "=",
        eb.ref("pathPrefix"),
      ),
    );
}
