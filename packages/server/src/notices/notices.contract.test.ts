import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWithOperators, useContractDatabases } from "../../test/databases.ts";
import type { OpenDatabase } from "../store/database.ts";
import { NoticeStore } from "./notice-store.ts";
import { OutageStore } from "./outage-store.ts";

const { databases, sqliteDir } = await useContractDatabases("notices");

const alice = "OP0000000001";
const bob = "OP0000000002";
const at = (iso: string) => Date.parse(iso);
const noon = at("2026-12-05T12:00:00Z");

describe.each(databases)("notices, maintenance windows and outages on %s", (_name, database) => {
  let opened: OpenDatabase & { store: { close(): Promise<void> } };
  let notices: NoticeStore;
  let outages: OutageStore;

  beforeAll(async () => {
    if (!database) return;
    opened = await openWithOperators(database, sqliteDir);
    notices = new NoticeStore(opened.db);
    outages = new OutageStore(opened.db);
  });
  afterAll(async () => opened?.store.close());

  it.skipIf(!database)(
    "shows a targeted notice only to its operators, and every operator the others",
    async () => {
      const everyone = await notices.createNotice({ title: "Hello", body: "to all", severity: "info" }, noon);
      const toBob = await notices.createNotice(
        { title: "Your card", body: "expires", severity: "warning", operatorIds: [bob, bob] },
        noon + 1,
      );
      expect(toBob.operatorIds).toEqual([bob]);
      expect((await notices.noticesFor(alice, noon + 2)).map((notice) => notice.noticeId)).toEqual([
        everyone.noticeId,
      ]);
      const bobs = await notices.noticesFor(bob, noon + 2);
      expect(bobs.map((notice) => notice.noticeId)).toEqual([toBob.noticeId, everyone.noticeId]);
      expect(bobs[0]).not.toHaveProperty("operatorIds");
      expect(bobs[0]).toEqual({
        noticeId: toBob.noticeId,
        title: "Your card",
        body: "expires",
        severity: "warning",
        createdAt: noon + 1,
      });
      const listed = await notices.listNotices();
      expect(listed.find((notice) => notice.noticeId === toBob.noticeId)?.operatorIds).toEqual([bob]);
      expect(listed.find((notice) => notice.noticeId === everyone.noticeId)).not.toHaveProperty(
        "operatorIds",
      );
      await notices.deleteNotice(everyone.noticeId);
      await notices.deleteNotice(toBob.noticeId);
    },
  );

  it.skipIf(!database)("shows current and upcoming notices, not ended ones", async () => {
    const window = { startsAt: at("2026-12-10T00:00:00Z"), endsAt: at("2026-12-11T00:00:00Z") };
    const upcoming = await notices.createNotice(
      { title: "Soon", body: "", severity: "critical", ...window },
      noon,
    );
    const ids = async (now: number) =>
      (await notices.noticesFor(alice, now)).map((notice) => notice.noticeId);
    expect(await ids(noon)).toEqual([upcoming.noticeId]);
    expect(await ids(window.startsAt)).toEqual([upcoming.noticeId]);
    expect(await ids(window.endsAt - 1)).toEqual([upcoming.noticeId]);
    expect(await ids(window.endsAt)).toEqual([]);
    expect((await notices.noticesFor(alice, noon))[0]).toMatchObject(window);
    expect(await notices.deleteNotice(upcoming.noticeId)).toBe(true);
    expect(await notices.deleteNotice(upcoming.noticeId)).toBe(false);
  });

  it.skipIf(!database)("replaces a notice with its targets, keeping its id and creation time", async () => {
    const notice = await notices.createNotice(
      { title: "A", body: "a", severity: "info", operatorIds: [alice] },
      noon,
    );
    const replaced = await notices.replaceNotice(notice.noticeId, {
      title: "B",
      body: "b",
      severity: "warning",
      operatorIds: [bob],
      endsAt: noon + 10,
    });
    expect(replaced).toEqual({
      noticeId: notice.noticeId,
      title: "B",
      body: "b",
      severity: "warning",
      operatorIds: [bob],
      endsAt: noon + 10,
      createdAt: noon,
    });
    expect(await notices.noticesFor(alice, noon)).toEqual([]);
    expect((await notices.noticesFor(bob, noon)).map((n) => n.title)).toEqual(["B"]);
    await notices.replaceNotice(notice.noticeId, { title: "C", body: "c", severity: "info" });
    expect((await notices.noticesFor(alice, noon + 100)).map((n) => n.title)).toEqual(["C"]);
    expect(
      await notices.replaceNotice("no-such-notice", { title: "x", body: "", severity: "info" }),
    ).toBeUndefined();
    await notices.deleteNotice(notice.noticeId);
  });

  it.skipIf(!database)("names the operator ids no operator has", async () => {
    expect(await notices.unknownOperators([alice, "OP9999999999", bob])).toEqual(["OP9999999999"]);
    expect(await notices.unknownOperators([])).toEqual([]);
  });

  it.skipIf(!database)("lists maintenance windows under way or to come, soonest first", async () => {
    const later = await notices.createMaintenance(
      { title: "Database upgrade", startsAt: noon + 7_200_000, endsAt: noon + 10_800_000 },
      noon,
    );
    const now = await notices.createMaintenance(
      { title: "Broker restart", body: "MQTT reconnects", startsAt: noon - 60_000, endsAt: noon + 60_000 },
      noon,
    );
    const past = await notices.createMaintenance(
      { title: "Done", startsAt: noon - 7_200_000, endsAt: noon },
      noon,
    );
    expect(await notices.maintenanceAt(noon)).toEqual([
      {
        maintenanceId: now.maintenanceId,
        title: "Broker restart",
        body: "MQTT reconnects",
        startsAt: noon - 60_000,
        endsAt: noon + 60_000,
        createdAt: noon,
      },
      {
        maintenanceId: later.maintenanceId,
        title: "Database upgrade",
        startsAt: noon + 7_200_000,
        endsAt: noon + 10_800_000,
        createdAt: noon,
      },
    ]);
    expect((await notices.listMaintenance()).map((window) => window.maintenanceId)).toEqual([
      later.maintenanceId,
      now.maintenanceId,
      past.maintenanceId,
    ]);
    for (const window of [later, now, past])
      expect(await notices.deleteMaintenance(window.maintenanceId)).toBe(true);
    expect(await notices.deleteMaintenance(past.maintenanceId)).toBe(false);
  });

  it.skipIf(!database)("records outages and one claim per operator and outage", async () => {
    const outage = await outages.recordOutage(
      {
        startedAt: at("2026-11-01T00:00:00Z"),
        endedAt: at("2026-11-03T23:00:00Z"),
        description: "region down",
      },
      noon,
    );
    expect(await outages.findOutage(outage.outageId)).toEqual(outage);
    expect(await outages.findOutage("no-such-outage")).toBeUndefined();
    const claim = { outageId: outage.outageId, outageMonth: "2026-11", days: 2, claimedAt: noon };
    const made = await outages.claim({ operatorId: alice, ...claim });
    expect(made).toMatchObject({ operatorId: alice, ...claim });
    expect(await outages.claim({ operatorId: alice, ...claim, claimedAt: noon + 1 })).toBeUndefined();
    expect(await outages.claimsOf(alice)).toEqual([made]);
    expect(await outages.claimsOf(bob)).toEqual([]);
    const forAlice = await outages.outagesFor(alice);
    expect(forAlice.find((o) => o.outageId === outage.outageId)).toEqual({
      ...outage,
      claimId: made?.claimId,
    });
    expect((await outages.outagesFor(bob)).find((o) => o.outageId === outage.outageId)).toEqual(outage);
    expect(await outages.claim({ operatorId: bob, ...claim })).toMatchObject({ operatorId: bob });
  });

  it.skipIf(!database)("takes one of many concurrent claims of the same outage by one operator", async () => {
    const outage = await outages.recordOutage(
      { startedAt: at("2026-10-01T00:00:00Z"), endedAt: at("2026-10-02T00:00:00Z"), description: "storage" },
      noon,
    );
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        outages.claim({
          operatorId: alice,
          outageId: outage.outageId,
          outageMonth: "2026-10",
          days: 1,
          claimedAt: noon + index,
        }),
      ),
    );
    expect(claims.filter((claim) => claim !== undefined)).toHaveLength(1);
  });

  it.skipIf(!database)("lists outages latest start first", async () => {
    const starts = (await outages.listOutages()).map((outage) => outage.startedAt);
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(starts.length).toBeGreaterThanOrEqual(2);
  });
});
