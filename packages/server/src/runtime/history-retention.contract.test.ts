import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWithOperators, useContractDatabases } from "../../test/databases.ts";
import { PlanStore } from "../store/plans.ts";
import type { SqlStore } from "../store/sql-store.ts";
import { sweepHistory } from "./history-retention.ts";

const { databases, sqliteDir } = await useContractDatabases("history-retention");

const now = Date.UTC(2026, 11, 5, 12);
const day = 86_400_000;

describe.each(databases)("the history sweep on %s", (_name, database) => {
  let store: SqlStore;

  beforeAll(async () => {
    if (!database) return;
    ({ store } = await openWithOperators(database, sqliteDir));
  });
  afterAll(async () => store?.close());

  it.skipIf(!database)(
    "keeps each operator's runs as long as its plan says, else the service's default",
    async () => {
      const plans = new PlanStore(store.db);
      await plans.putPlan(
        {
          planId: "archive",
          name: "Archive",
          monthlyFee: 9_000,
          included: { events: 0, aiCredits: 0 },
          limits: { historyRetentionDays: 60 },
          features: [],
        },
        now - 100 * day,
      );
      await plans.changeOperatorPlan("OP0000000002", "archive", now - 100 * day, now - 100 * day);
      // A run 40 days old of each operator: the developer plan keeps 30 days (the default), archive 60.
      for (const operatorId of ["OP0000000001", "OP0000000002"])
        await store.db
          .insertInto("executions")
          .values({
            executionId: `RUN-${operatorId}`,
            operatorId,
            appId: "APP",
            channelId: "in",
            eventType: "api",
            dedupeKey: null,
            replayOf: null,
            appVersion: null,
            createdAt: now - 40 * day,
          })
          .execute();
      const runs = async () =>
        (
          await store.db.selectFrom("executions").select("executionId").where("appId", "=", "APP").execute()
        ).map((row) => row.executionId);

      expect(await sweepHistory(store, await plans.historyRetention(now, 30), now)).toBe(1);
      expect(await runs()).toEqual(["RUN-OP0000000002"]);
      expect(
        await sweepHistory(store, await plans.historyRetention(now + 21 * day, 30), now + 21 * day),
      ).toBe(1);
      expect(await runs()).toEqual([]);
    },
  );
});
