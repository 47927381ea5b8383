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
  constructor(
    private readonly db: Kysely<Database>,
    /** Called once a clock moved or an operator was bound (the usage stamps' cache reads again). */
    private readonly changed: () => Promise<void> = async () => {},
  ) {}

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
    if (updated.numUpdatedRows === 0n) return false;
    await this.changed();
    return true;
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
    await this.changed();
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

  /** Every operator bound to a clock, with its clock's frozen time. */
  async frozenTimes(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom("operators")
      .innerJoin("testClocks", "testClocks.testClockId", "operators.testClockId")
      .select(["operators.operatorId", "testClocks.frozenTime"])
      .execute();
    return new Map(rows.map((row) => [row.operatorId, Number(row.frozenTime)]));
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
