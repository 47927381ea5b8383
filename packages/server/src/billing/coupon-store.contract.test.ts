import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useContractDatabases } from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import type { Database } from "../store/schema.ts";
import { CouponStore } from "./coupon-store.ts";

const { databases, sqliteDir } = await useContractDatabases("coupons");

describe.each(databases)("coupons on %s", (_name, database) => {
  // Two connections to one database, as two instances have.
  let first: Kysely<Database>;
  let second: Kysely<Database>;

  beforeAll(async () => {
    if (!database) return;
    first = (await openDatabase(database, sqliteDir)).db;
    second = (await openDatabase(database, sqliteDir)).db;
  });
  afterAll(async () => {
    await first?.destroy();
    await second?.destroy();
  });

  it.skipIf(!database)("are issued once per code, with the whole amount as balance", async () => {
    const coupons = new CouponStore(first);
    expect(await coupons.issue({ couponCode: "WELCOME", amount: 5_000, expiryMonth: "2027-06" }, 1_000)).toBe(
      true,
    );
    expect(await coupons.issue({ couponCode: "WELCOME", amount: 1, expiryMonth: "2027-06" })).toBe(false);
    expect((await coupons.all()).find((coupon) => coupon.couponCode === "WELCOME")).toEqual({
      couponCode: "WELCOME",
      amount: 5_000,
      balance: 5_000,
      expiryMonth: "2027-06",
      createdAt: 1_000,
    });
  });

  it.skipIf(!database)("are registered by one operator only, even when two race for a code", async () => {
    await new CouponStore(first).issue({ couponCode: "RACE", amount: 100, expiryMonth: "2027-06" });
    const outcomes = await Promise.all([
      new CouponStore(first).register("RACE", "OPA", "2027-01", 2_000),
      new CouponStore(second).register("RACE", "OPB", "2027-01", 2_000),
    ]);
    expect(outcomes.filter((outcome) => outcome === "taken")).toHaveLength(1);
    const winner = outcomes.find((outcome) => typeof outcome === "object");
    expect(winner).toMatchObject({ couponCode: "RACE", registeredAt: 2_000 });
    expect(await new CouponStore(first).register("NO-SUCH", "OPA", "2027-01")).toBe("unknown");
  });

  it.skipIf(!database)(
    "are refused once their expiry month is over, and stay registrable by nobody",
    async () => {
      const coupons = new CouponStore(first);
      await coupons.issue({ couponCode: "OLD", amount: 100, expiryMonth: "2026-12" });
      expect(await coupons.register("OLD", "OPA", "2027-01")).toBe("expired");
      expect(await coupons.register("OLD", "OPA", "2026-12")).toMatchObject({ couponCode: "OLD" });
    },
  );

  it.skipIf(!database)("are listed per operator, soonest expiry first", async () => {
    const coupons = new CouponStore(first);
    await coupons.issue({ couponCode: "LIST-LATE", amount: 10, expiryMonth: "2028-01" });
    await coupons.issue({ couponCode: "LIST-SOON", amount: 10, expiryMonth: "2027-02" });
    await coupons.register("LIST-LATE", "OPLIST", "2027-01", 1);
    await coupons.register("LIST-SOON", "OPLIST", "2027-01", 2);
    expect((await coupons.ofOperator("OPLIST")).map((coupon) => coupon.couponCode)).toEqual([
      "LIST-SOON",
      "LIST-LATE",
    ]);
    expect(await coupons.ofOperator("OP-NONE")).toEqual([]);
  });
});
