import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Config, openDatabase } from "../src/conflux.ts";
import type { Database } from "../src/store/schema.ts";
import { createPostgresSchema } from "./databases.ts";
import { createDeviceFixture, dataOf, runsOf } from "./device-fixture.ts";
import { type ApiSession, signUp, startTestConflux } from "./harness.ts";

// A device message's data entry, its execution and its idempotency key commit in one transaction.
const postgres = await createPostgresSchema();
const databases: Array<{ name: string; database?: Config["database"] }> = [
  { name: "SQLite" },
  { name: "PostgreSQL", ...(postgres ? { database: postgres.database } : {}) },
];

afterAll(async () => {
  await postgres?.drop();
});

/**
 * Makes every insert into `table` whose `column` equals `value` fail inside the database, the way a crash
 * or a lost connection at that write would: the statements before it in the transaction have run.
 */
async function injectFailure(
  db: Kysely<Database>,
  kind: string,
  table: string,
  column: string,
  value: string,
) {
  const name = `fail_${table}`;
  if (kind === "sqlite") {
    await sql
      .raw(
        `create trigger ${name} before insert on ${table} when new.${column} = '${value}' begin select raise(abort, 'injected failure'); end`,
      )
      .execute(db);
    return;
  }
  await sql
    .raw(
      `create function ${name}() returns trigger language plpgsql as $$ begin if new.${column} = '${value}' then raise exception 'injected failure'; end if; return new; end $$`,
    )
    .execute(db);
  await sql
    .raw(`create trigger ${name} before insert on ${table} for each row execute function ${name}()`)
    .execute(db);
}

async function removeFailure(db: Kysely<Database>, kind: string, table: string) {
  await sql.raw(`drop trigger fail_${table}${kind === "sqlite" ? "" : ` on ${table}`}`).execute(db);
}

for (const { name, database } of databases) {
  describe.skipIf(name === "PostgreSQL" && !database)(`device ingest on ${name}`, () => {
    let conflux: Awaited<ReturnType<typeof startTestConflux>>;
    let db: Kysely<Database>;
    let kind: string;
    let session: ApiSession;

    beforeAll(async () => {
      conflux = await startTestConflux(database ? { database } : {});
      // A second handle on the same database, to plant failures and count rows.
      ({ db, kind } = await openDatabase(database ?? { kind: "sqlite" }, conflux.dataDir));
      session = await signUp(conflux.url);
    });

    afterAll(async () => {
      await db?.destroy();
      await conflux?.cleanUp();
    });

    async function send(deviceId: string, secret: string, body: unknown, idempotencyKey?: string) {
      const response = await fetch(`${conflux.url}/v1/devices/${deviceId}/data`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${secret}`,
          "content-type": "application/json",
          ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    }

    async function executionsOf(appId: string): Promise<number> {
      const rows = await db
        .selectFrom("executions")
        .select("executionId")
        .where("appId", "=", appId)
        .execute();
      return rows.length;
    }

    it("stores no data entry when its execution cannot be written, and no execution when the entry cannot", async () => {
      const fixture = await createDeviceFixture(session);
      // The key is the last write of the transaction: the entry and the execution before it roll back.
      await injectFailure(db, kind, "device_message_keys", "idempotency_key", "poisoned");
      try {
        const failed = await send(fixture.deviceId, fixture.secret, { t: 1 }, "poisoned");
        expect(failed.status).toBe(500);
      } finally {
        await removeFailure(db, kind, "device_message_keys");
      }
      expect(await dataOf(session, fixture.deviceId)).toEqual([]);
      expect(await executionsOf(fixture.appId)).toBe(0);

      // The entry is written after the execution: a failure there takes the execution with it.
      await injectFailure(db, kind, "data_entries", "resource_id", fixture.deviceId);
      try {
        expect((await send(fixture.deviceId, fixture.secret, { t: 2 })).status).toBe(500);
      } finally {
        await removeFailure(db, kind, "data_entries");
      }
      expect(await executionsOf(fixture.appId)).toBe(0);
      expect(
        await db.selectFrom("jobs").select("jobId").where("appId", "=", fixture.appId).execute(),
      ).toEqual([]);

      // The device sends the failed message again, with its key: now it is stored and run once.
      const retried = await send(fixture.deviceId, fixture.secret, { t: 1 }, "poisoned");
      expect(retried.status).toBe(202);
      expect(retried.body).toMatchObject({ stored: true, duplicate: false });
      expect(await dataOf(session, fixture.deviceId)).toEqual([{ t: 1 }]);
      expect(await executionsOf(fixture.appId)).toBe(1);
    });

    it("stores and runs a message sent twice with one Idempotency-Key once, answering the retry with the first run", async () => {
      const fixture = await createDeviceFixture(session);
      const first = await send(fixture.deviceId, fixture.secret, { t: 20 }, "reading-20");
      expect(first.status).toBe(202);
      expect(first.body).toMatchObject({ stored: true, duplicate: false });
      const again = await send(fixture.deviceId, fixture.secret, { t: 20 }, "reading-20");
      expect(again.status).toBe(202);
      expect(again.body).toEqual({ stored: true, executionId: first.body.executionId, duplicate: true });
      // Another key is another message.
      expect((await send(fixture.deviceId, fixture.secret, { t: 21 }, "reading-21")).body.duplicate).toBe(
        false,
      );
      expect(await dataOf(session, fixture.deviceId)).toEqual([{ t: 20 }, { t: 21 }]);
      await expect.poll(async () => (await runsOf(session, fixture.appId)).length).toBe(2);
      expect(await executionsOf(fixture.appId)).toBe(2);
    });

    it("lets only one of two simultaneous sends with one key through", async () => {
      const fixture = await createDeviceFixture(session);
      const answers = await Promise.all(
        Array.from({ length: 4 }, () => send(fixture.deviceId, fixture.secret, { t: 30 }, "burst")),
      );
      expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 202]);
      expect(answers.filter((answer) => !answer.body.duplicate)).toHaveLength(1);
      expect(new Set(answers.map((answer) => answer.body.executionId)).size).toBe(1);
      expect(await dataOf(session, fixture.deviceId)).toEqual([{ t: 30 }]);
      expect(await executionsOf(fixture.appId)).toBe(1);
    });

    it("keeps keys per device, and deduplicates a group that only keeps data", async () => {
      const { body: group } = await session.call("POST", "/v1/device_groups", {
        name: "loggers",
        config: { keepData: true },
      });
      const devices = await Promise.all(
        ["a", "b"].map(
          async (name) => (await session.call("POST", "/v1/devices", { name, groupId: group.groupId })).body,
        ),
      );
      for (const device of devices) {
        expect((await send(device.deviceId, device.secret, { n: 1 }, "same")).body).toEqual({
          stored: true,
          duplicate: false,
        });
        expect((await send(device.deviceId, device.secret, { n: 1 }, "same")).body).toEqual({
          stored: true,
          duplicate: true,
        });
        expect(await dataOf(session, device.deviceId)).toEqual([{ n: 1 }]);
      }
    });

    it("refuses an Idempotency-Key longer than 256 characters, storing nothing", async () => {
      const fixture = await createDeviceFixture(session);
      const refused = await send(fixture.deviceId, fixture.secret, { t: 1 }, "k".repeat(257));
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain("Idempotency-Key");
      expect(await dataOf(session, fixture.deviceId)).toEqual([]);
    });
  });
}
