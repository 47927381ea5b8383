// Notices, maintenance windows and outages end to end, on SQLite and on PostgreSQL: what each
// operator sees at GET /v1/notices, and the claim rules of POST /v1/outage_claims (billing.md
// "Outage credit").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/conflux.ts";
import { addCalendarMonths } from "../src/notices/outage-claims.ts";
import { createPostgresSchema } from "./databases.ts";
import { type ApiSession, signUp, startTestConflux } from "./harness.ts";
import { userSession } from "./user-session.ts";

const hour = 3_600_000;
const day = 24 * hour;

const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());
const databases: Array<[string, Config["database"] | undefined, boolean]> = [
  ["SQLite", undefined, true],
  ["PostgreSQL", postgres?.database, postgres !== undefined],
];

describe.each(databases)("on %s", (_name, database, reachable) => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let alice: ApiSession;
  let bob: ApiSession;

  beforeAll(async () => {
    if (!reachable) return;
    conflux = await startTestConflux(database ? { database } : {});
    alice = await signUp(conflux.url);
    bob = await signUp(conflux.url);
  });
  afterAll(async () => conflux?.cleanUp());

  async function recordOutage(startedAt: number, endedAt: number, description = "the service was down") {
    return conflux.services.outages.recordOutage({ startedAt, endedAt, description }, Date.now());
  }

  async function claim(session: ApiSession, outageId: string) {
    return session.call("POST", "/v1/outage_claims", { outageId });
  }

  describe.skipIf(!reachable)("GET /v1/notices", () => {
    it("shows a notice to every operator, and a targeted one only to its operators", async () => {
      const { notices } = conflux.services;
      const everyone = await notices.createNotice(
        { title: "New region", body: "Tokyo", severity: "info" },
        Date.now(),
      );
      const toBob = await notices.createNotice(
        { title: "Card expires", body: "update it", severity: "warning", operatorIds: [bob.operatorId] },
        Date.now(),
      );
      const seenByAlice = await alice.call("GET", "/v1/notices");
      expect(seenByAlice.status).toBe(200);
      expect(seenByAlice.body.notices.map((notice: { noticeId: string }) => notice.noticeId)).toEqual([
        everyone.noticeId,
      ]);
      expect(seenByAlice.text).not.toContain("Card expires");
      const seenByBob = await bob.call("GET", "/v1/notices");
      // Newest first; these two may share a millisecond, so their order is not asserted.
      expect(seenByBob.body.notices.map((notice: { title: string }) => notice.title).sort()).toEqual([
        "Card expires",
        "New region",
      ]);
      expect(
        seenByBob.body.notices.find((notice: { title: string }) => notice.title === "Card expires"),
      ).toEqual({
        noticeId: toBob.noticeId,
        title: "Card expires",
        body: "update it",
        severity: "warning",
        createdDateTime: Math.floor(toBob.createdAt / 1_000),
      });
      await notices.deleteNotice(everyone.noticeId);
      await notices.deleteNotice(toBob.noticeId);
    });

    it("shows current and upcoming notices and maintenance windows, not ended ones", async () => {
      const { notices } = conflux.services;
      const now = Date.now();
      const ended = await notices.createNotice(
        { title: "Ended", body: "", severity: "info", startsAt: now - 2 * day, endsAt: now - day },
        now,
      );
      const upcoming = await notices.createNotice(
        { title: "Upcoming", body: "", severity: "critical", startsAt: now + day, endsAt: now + 2 * day },
        now,
      );
      const pastWindow = await notices.createMaintenance(
        { title: "Past", startsAt: now - 2 * hour, endsAt: now - hour },
        now,
      );
      const current = await notices.createMaintenance(
        { title: "Now", startsAt: now - hour, endsAt: now + hour },
        now,
      );
      const next = await notices.createMaintenance(
        { title: "Next", body: "broker", startsAt: now + hour, endsAt: now + 2 * hour },
        now,
      );
      const seen = await alice.call("GET", "/v1/notices");
      expect(seen.body.notices).toEqual([
        {
          noticeId: upcoming.noticeId,
          title: "Upcoming",
          body: "",
          severity: "critical",
          createdDateTime: Math.floor(now / 1_000),
          startsDateTime: Math.floor((now + day) / 1_000),
          endsDateTime: Math.floor((now + 2 * day) / 1_000),
        },
      ]);
      expect(seen.body.maintenance.map((window: { title: string }) => window.title)).toEqual(["Now", "Next"]);
      expect(seen.body.maintenance[1]).toEqual({
        maintenanceId: next.maintenanceId,
        title: "Next",
        body: "broker",
        startsDateTime: Math.floor((now + hour) / 1_000),
        endsDateTime: Math.floor((now + 2 * hour) / 1_000),
        createdDateTime: Math.floor(now / 1_000),
      });
      await notices.deleteNotice(ended.noticeId);
      await notices.deleteNotice(upcoming.noticeId);
      for (const window of [pastWindow, current, next]) await notices.deleteMaintenance(window.maintenanceId);
    });

    it("is open to every user of the operator, even one with no permissions", async () => {
      await alice.call("POST", `/v1/operators/${alice.operatorId}/users/nobody`, {});
      const nobody = await userSession(conflux, alice.operatorId, "nobody");
      const seen = await nobody.call("GET", "/v1/notices");
      expect(seen.status).toBe(200);
      expect(seen.body).toEqual({ notices: [], maintenance: [] });
    });
  });

  describe.skipIf(!reachable)("outage claims", () => {
    it("credits whole days: 71 hours is 2 days, 23 hours is a claim of 0 days", async () => {
      const start = Date.now() - 10 * day;
      const long = await recordOutage(start, start + 71 * hour);
      const short = await recordOutage(start, start + 23 * hour);
      const longClaim = await claim(alice, long.outageId);
      expect(longClaim.status).toBe(201);
      expect(longClaim.body).toMatchObject({ outageId: long.outageId, days: 2 });
      expect(longClaim.body).not.toHaveProperty("credit");
      const shortClaim = await claim(alice, short.outageId);
      expect(shortClaim.status).toBe(201);
      expect(shortClaim.body).toMatchObject({ outageId: short.outageId, days: 0 });
      const claims = await alice.call("GET", "/v1/outage_claims");
      expect(claims.body.map((made: { claimId: string }) => made.claimId).sort()).toEqual(
        [longClaim.body.claimId, shortClaim.body.claimId].sort(),
      );
    });

    it("records the billing month the outage started in", async () => {
      const startedAt = Date.UTC(2026, 8, 30, 22);
      const outage = await recordOutage(startedAt, Date.now() - hour);
      const made = await claim(alice, outage.outageId);
      expect(made.status).toBe(201);
      expect(made.body.outageMonth).toBe("2026-09");
    });

    it("is accepted within 3 calendar months of the outage's end and refused (400) after", async () => {
      const now = Date.now();
      // Outages that ended just inside and just outside the 3 months before now (exact boundary: outage-claims.test.ts).
      const inside = await recordOutage(
        addCalendarMonths(now + day, -3) - 2 * day,
        addCalendarMonths(now + day, -3),
      );
      const outside = await recordOutage(
        addCalendarMonths(now - day, -3) - 2 * day,
        addCalendarMonths(now - day, -3),
      );
      const listed = await bob.call("GET", "/v1/outages");
      const claimable = Object.fromEntries(
        listed.body.map((outage: { outageId: string; claimable: boolean }) => [
          outage.outageId,
          outage.claimable,
        ]),
      );
      expect(claimable[inside.outageId]).toBe(true);
      expect(claimable[outside.outageId]).toBe(false);
      expect((await claim(bob, inside.outageId)).status).toBe(201);
      const late = await claim(bob, outside.outageId);
      expect(late.status).toBe(400);
      expect(late.body.message).toContain("3 months after it ended");
    });

    it("is taken once per operator and outage (409), and each operator claims for itself", async () => {
      const outage = await recordOutage(Date.now() - 3 * day, Date.now() - day);
      const first = await claim(alice, outage.outageId);
      expect(first.status).toBe(201);
      const again = await claim(alice, outage.outageId);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe("conflict");
      expect((await claim(bob, outage.outageId)).status).toBe(201);
      const bobsView = (await bob.call("GET", "/v1/outages")).body.find(
        (listed: { outageId: string }) => listed.outageId === outage.outageId,
      );
      expect(bobsView).toMatchObject({ claimable: false, days: 2 });
      expect(bobsView.claimId).not.toBe(first.body.claimId);
      const bobsClaims = await bob.call("GET", "/v1/outage_claims");
      expect(bobsClaims.text).not.toContain(first.body.claimId);
    });

    it("answers 404 for an unknown outage and 400 for a body without outageId", async () => {
      expect((await claim(alice, "no-such-outage")).status).toBe(404);
      const empty = await alice.call("POST", "/v1/outage_claims", {});
      expect(empty.status).toBe(400);
      expect(empty.body.message).toContain("outageId");
    });

    it("is root's: a user allowed everything may list outages but not claim", async () => {
      const outage = await recordOutage(Date.now() - 2 * day, Date.now() - day);
      const users = `/v1/operators/${alice.operatorId}/users`;
      await alice.call("POST", `${users}/almighty`, {});
      const allowed = await alice.call("PUT", `${users}/almighty/permission`, {
        permission: JSON.stringify({ statements: [{ effect: "allow", api: ["*"] }] }),
      });
      expect(allowed.status).toBe(200);
      const almighty = await userSession(conflux, alice.operatorId, "almighty");
      expect((await almighty.call("GET", "/v1/outages")).status).toBe(200);
      const refused = await claim(almighty, outage.outageId);
      expect(refused.status).toBe(403);
      expect(refused.body.message).toContain("only the root user may");
      expect((await almighty.call("GET", "/v1/outage_claims")).status).toBe(403);
      expect((await claim(alice, outage.outageId)).status).toBe(201);
    });
  });
});
