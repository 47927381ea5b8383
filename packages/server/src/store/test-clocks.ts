import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

export interface TestClock {
  testClockId: string;
  frozenTime: number;
}

/**
 * Test clocks, as payment platforms have them: an operator bound to one reads its frozen time
 * wherever billing reads "now" (month ends, due dates, "today" of a payment). Others read real time.
 */
export class TestClocks {
  constructor(private readonly db: Kysely<Database>) {}

  async create(testClockId: string, frozenTime: number, now = Date.now()): Promise<TestClock> {
    await this.db
      .insertInto("testClocks")
      .values({ testClockId, frozenTime, createdAt: now, updatedAt: now })
      .execute();
    return { testClockId, frozenTime };
  }

  async find(testClockId: string): Promise<TestClock | undefined> {
    const row = await this.db
      .selectFrom("testClocks")
      .select(["testClockId", "frozenTime"])
      .where("testClockId", "=", testClockId)
      .executeTakeFirst();
    return row && { testClockId: row.testClockId, frozenTime: Number(row.frozenTime) };
  }

  async list(): Promise<TestClock[]> {
    const rows = await this.db
      .selectFrom("testClocks")
      .select(["testClockId", "frozenTime"])
      .orderBy("createdAt")
      .execute();
    return rows.map((row) => ({ testClockId: row.testClockId, frozenTime: Number(row.frozenTime) }));
  }

  /** Moves a clock forward; false when it does not exist or `frozenTime` is before its time. */
  async advance(testClockId: string, frozenTime: number, now = Date.now()): Promise<boolean> {
    const updated = await this.db
      .updateTable("testClocks")
      .set({ frozenTime, updatedAt: now })
      .where("testClockId", "=", testClockId)
      .where("frozenTime", "<=", frozenTime)
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n;
  }

  /** Binds a new operator to a clock: its sign-up, too, happened at the clock's time. False for an unknown clock. */
  async bind(operatorId: string, testClockId: string): Promise<boolean> {
    const clock = await this.find(testClockId);
    if (!clock) return false;
    await this.db
      .updateTable("operators")
      .set({ testClockId, createdAt: clock.frozenTime })
      .where("operatorId", "=", operatorId)
      .execute();
    return true;
  }

  async operatorsOf(testClockId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom("operators")
      .select("operatorId")
      .where("testClockId", "=", testClockId)
      .execute();
    return rows.map((row) => row.operatorId);
  }

  /** "Now" for an operator: its test clock's frozen time, else the real time. */
  async nowFor(operatorId: string): Promise<number> {
    const row = await this.db
      .selectFrom("operators")
      .leftJoin("testClocks", "testClocks.testClockId", "operators.testClockId")
      .select("testClocks.frozenTime")
      .where("operators.operatorId", "=", operatorId)
      .executeTakeFirst();
    return row?.frozenTime == null ? Date.now() : Number(row.frozenTime);
  }
}
