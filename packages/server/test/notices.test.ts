// Notices, maintenance windows and outages end to end, on SQLite and on PostgreSQL: the provider's
// routes and their validation, what each operator sees at GET /v1/notices, and the claim rules of
// POST /v1/outage_claims (billing.md "Outage credit").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/conflux.ts";
import { addCalendarMonths } from "../src/notices/outage-claims.ts";
import { createPostgresSchema } from "./databases.ts";
import { type ApiSession, signUp, startTestConflux } from "./harness.ts";
import { providerSession } from "./provider-session.ts";
import { userSession } from "./user-session.ts";

const hour = 3_600_000;
const day = 24 * hour;
const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.floor(ms / 1_000);

const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());
const databases: Array<[string, Config["database"] | undefined, boolean]> = [
  ["SQLite", undefined, true],
  ["PostgreSQL", postgres?.database, postgres !== undefined],
];

describe.each(databases)("on %s", (_name, database, reachable) => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let provider: ApiSession;
  let alice: ApiSession;
  let bob: ApiSession;

  beforeAll(async () => {
    if (!reachable) return;
    conflux = await startTestConflux(database ? { database } : {});
    provider = await providerSession(conflux);
    alice = await signUp(conflux.url);
    bob = await signUp(conflux.url);
  });
  afterAll(async () => conflux?.cleanUp());

  async function post(path: string, body: unknown) {
    const answer = await provider.call("POST", path, body);
    if (answer.status !== 201) throw new Error(`POST ${path}: ${answer.status} ${answer.text}`);
    return answer.body;
  }

  async function recordOutage(startedAt: number, endedAt: number, description = "the service was down") {
    return post("/v1/provider/outages", { startedAt: iso(startedAt), endedAt: iso(endedAt), description });
  }

  async function claim(session: ApiSession, outageId: string) {
    return session.call("POST", "/v1/outage_claims", { outageId });
  }

  async function deleteEverything() {
    for (const notice of (await provider.call("GET", "/v1/provider/notices")).body.items)
      expect((await provider.call("DELETE", `/v1/provider/notices/${notice.noticeId}`)).status).toBe(204);
    for (const window of (await provider.call("GET", "/v1/provider/maintenance")).body.items)
      expect((await provider.call("DELETE", `/v1/provider/maintenance/${window.maintenanceId}`)).status).toBe(
        204,
      );
  }

  describe.skipIf(!reachable)("notices and maintenance windows", () => {
    it("shows a notice to every operator, and a targeted one only to its operators", async () => {
      const everyone = await post("/v1/provider/notices", {
        title: "New region",
        body: "Tokyo",
        severity: "info",
      });
      const toBob = await post("/v1/provider/notices", {
        title: "Card expires",
        body: "update it",
        severity: "warning",
        operatorIds: [bob.operatorId],
      });
      expect(toBob).toMatchObject({ title: "Card expires", operatorIds: [bob.operatorId] });
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
      // Bob's copy does not say who else it was sent to.
      expect(
        seenByBob.body.notices.find((notice: { title: string }) => notice.title === "Card expires"),
      ).toEqual({
        noticeId: toBob.noticeId,
        title: "Card expires",
        body: "update it",
        severity: "warning",
        createdDateTime: toBob.createdDateTime,
      });
      await deleteEverything();
    });

    it("moves a notice to other operators when the provider replaces it", async () => {
      const notice = await post("/v1/provider/notices", {
        title: "For Alice",
        body: "",
        severity: "info",
        operatorIds: [alice.operatorId],
      });
      const replaced = await provider.call("PUT", `/v1/provider/notices/${notice.noticeId}`, {
        title: "For Bob",
        body: "now",
        severity: "critical",
        operatorIds: [bob.operatorId],
      });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toEqual({
        noticeId: notice.noticeId,
        title: "For Bob",
        body: "now",
        severity: "critical",
        operatorIds: [bob.operatorId],
        createdDateTime: notice.createdDateTime,
      });
      expect((await alice.call("GET", "/v1/notices")).body.notices).toEqual([]);
      expect(
        (await bob.call("GET", "/v1/notices")).body.notices.map((n: { title: string }) => n.title),
      ).toEqual(["For Bob"]);
      await deleteEverything();
    });

    it("shows current and upcoming notices and maintenance windows, not ended ones", async () => {
      const now = Date.now();
      await post("/v1/provider/notices", {
        title: "Ended",
        body: "",
        severity: "info",
        startsAt: iso(now - 2 * day),
        endsAt: iso(now - day),
      });
      const upcoming = await post("/v1/provider/notices", {
        title: "Upcoming",
        body: "",
        severity: "critical",
        startsAt: iso(now + day),
        endsAt: iso(now + 2 * day),
      });
      await post("/v1/provider/maintenance", {
        title: "Past",
        startsAt: iso(now - 2 * hour),
        endsAt: iso(now - hour),
      });
      await post("/v1/provider/maintenance", {
        title: "Now",
        startsAt: iso(now - hour),
        endsAt: iso(now + hour),
      });
      const next = await post("/v1/provider/maintenance", {
        title: "Next",
        body: "the broker restarts",
        startsAt: "2099-01-01T09:00:00+09:00",
        endsAt: "2099-01-01T10:00:00+09:00",
      });
      const seen = await alice.call("GET", "/v1/notices");
      expect(seen.body.notices).toEqual([
        {
          noticeId: upcoming.noticeId,
          title: "Upcoming",
          body: "",
          severity: "critical",
          createdDateTime: upcoming.createdDateTime,
          startsDateTime: seconds(now + day),
          endsDateTime: seconds(now + 2 * day),
        },
      ]);
      expect(seen.body.maintenance.map((window: { title: string }) => window.title)).toEqual(["Now", "Next"]);
      expect(seen.body.maintenance[1]).toEqual({
        maintenanceId: next.maintenanceId,
        title: "Next",
        body: "the broker restarts",
        startsDateTime: seconds(Date.parse("2099-01-01T00:00:00Z")),
        endsDateTime: seconds(Date.parse("2099-01-01T01:00:00Z")),
        createdDateTime: next.createdDateTime,
      });
      // The provider's lists keep the ended ones.
      expect((await provider.call("GET", "/v1/provider/notices")).body.items).toHaveLength(2);
      expect((await provider.call("GET", "/v1/provider/maintenance")).body).toEqual({
        items: [expect.anything(), expect.anything(), expect.anything()],
        nextCursor: null,
      });
      await deleteEverything();
    });

    it("are open to every user of the operator, even one with no permissions", async () => {
      await post("/v1/provider/notices", { title: "Hello", body: "", severity: "info" });
      await alice.call("POST", `/v1/operators/${alice.operatorId}/users/nobody`, {});
      const nobody = await userSession(conflux, alice.operatorId, "nobody");
      const seen = await nobody.call("GET", "/v1/notices");
      expect(seen.status).toBe(200);
      expect(seen.body.notices.map((notice: { title: string }) => notice.title)).toEqual(["Hello"]);
      await deleteEverything();
    });

    it.each([
      [
        { title: "x", body: "", severity: "info", startsAt: "tomorrow" },
        "body startsAt: expected an ISO-8601 time",
      ],
      [
        { title: "x", body: "", severity: "info", endsAt: "2026-12-05T09:00:00" },
        "body endsAt: expected an ISO-8601 time",
      ],
      [
        {
          title: "x",
          body: "",
          severity: "info",
          startsAt: "2026-12-05T10:00:00Z",
          endsAt: "2026-12-05T19:00:00+09:00",
        },
        "body endsAt: endsAt must be after startsAt",
      ],
      [{ title: "x", body: "", severity: "urgent" }, "body severity"],
      [{ title: "", body: "", severity: "info" }, "body title"],
      [{ title: "x", body: "", severity: "info", operatorIds: [] }, "body operatorIds"],
      [{ title: "x", body: "", severity: "info", audience: "all" }, "audience"],
      [{ title: "x", body: "", severity: "info", operatorIds: ["OP9999999999"] }, "no operator OP9999999999"],
    ])("refuses the notice %j with 400 naming what is wrong", async (body, message) => {
      const refused = await provider.call("POST", "/v1/provider/notices", body);
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain(message);
    });

    it("refuses a maintenance window without its times or ending before it starts (400)", async () => {
      const missing = await provider.call("POST", "/v1/provider/maintenance", {
        title: "x",
        startsAt: iso(Date.now()),
      });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toContain("body endsAt");
      const backwards = await provider.call("POST", "/v1/provider/maintenance", {
        title: "x",
        startsAt: "2026-12-05T10:00:00Z",
        endsAt: "2026-12-05T10:00:00Z",
      });
      expect(backwards.status).toBe(400);
      expect(backwards.body.message).toContain("endsAt must be after startsAt");
    });

    it("answers 404 for a notice or window that does not exist", async () => {
      const body = { title: "x", body: "", severity: "info" };
      expect((await provider.call("PUT", "/v1/provider/notices/no-such-notice", body)).status).toBe(404);
      expect((await provider.call("DELETE", "/v1/provider/notices/no-such-notice")).status).toBe(404);
      expect((await provider.call("DELETE", "/v1/provider/maintenance/no-such-window")).status).toBe(404);
    });

    it("are posted by the provider only: an operator's root gets 401", async () => {
      const body = { title: "x", body: "", severity: "info" };
      expect((await alice.call("POST", "/v1/provider/notices", body)).status).toBe(401);
      expect((await alice.call("GET", "/v1/provider/outages")).status).toBe(401);
      expect((await provider.call("GET", "/v1/notices")).status).toBe(401);
    });
  });

  describe.skipIf(!reachable)("outages and claims", () => {
    it("records an outage with its exact hours, whatever its times are next to the present", async () => {
      const recorded = await provider.call("POST", "/v1/provider/outages", {
        startedAt: "2099-03-01T00:00:00+09:00",
        endedAt: "2099-03-03T23:30:00+09:00",
        description: "a future test clock's outage",
      });
      expect(recorded.status).toBe(201);
      expect(recorded.body).toMatchObject({
        startedAt: "2099-02-28T15:00:00.000Z",
        endedAt: "2099-03-03T14:30:00.000Z",
        description: "a future test clock's outage",
        hours: 71.5,
        days: 2,
      });
      const listed = await provider.call("GET", "/v1/provider/outages");
      expect(listed.body.nextCursor).toBeNull();
      expect(listed.body.items.map((outage: { outageId: string }) => outage.outageId)).toContain(
        recorded.body.outageId,
      );
    });

    it("refuses an outage that does not end after it starts, or has no description (400)", async () => {
      const backwards = await provider.call("POST", "/v1/provider/outages", {
        startedAt: "2026-12-05T10:00:00Z",
        endedAt: "2026-12-05T09:00:00Z",
        description: "x",
      });
      expect(backwards.status).toBe(400);
      expect(backwards.body.message).toContain("endedAt must be after startedAt");
      const bare = await provider.call("POST", "/v1/provider/outages", {
        startedAt: "2026-12-05T10:00:00Z",
        endedAt: "2026-12-06T10:00:00Z",
      });
      expect(bare.status).toBe(400);
      expect(bare.body.message).toContain("body description");
    });

    it("credits whole days: 71 hours is 2 days, 23 hours is a claim of 0 days", async () => {
      const start = Date.now() - 10 * day;
      const long = await recordOutage(start, start + 71 * hour);
      const short = await recordOutage(start, start + 23 * hour);
      const longClaim = await claim(alice, long.outageId);
      expect(longClaim.status).toBe(201);
      expect(longClaim.body).toMatchObject({ outageId: long.outageId, days: 2 });
      // Alice is on the developer plan: a fee of 0 credits 0 (test/outage-credits.test.ts bills paid plans).
      expect(longClaim.body).toMatchObject({ credit: 0 });
      const shortClaim = await claim(alice, short.outageId);
      expect(shortClaim.status).toBe(201);
      expect(shortClaim.body).toMatchObject({ outageId: short.outageId, days: 0 });
      const claims = await alice.call("GET", "/v1/outage_claims");
      expect(claims.body.items.map((made: { claimId: string }) => made.claimId).sort()).toEqual(
        [longClaim.body.claimId, shortClaim.body.claimId].sort(),
      );
    });

    it("records the billing month the outage started in, in the provider's billing time zone", async () => {
      const settings = (await provider.call("GET", "/v1/provider/settings")).body;
      const tokyo = await provider.call("PUT", "/v1/provider/settings", {
        ...settings,
        billingTimeZone: "Asia/Tokyo",
      });
      expect(tokyo.status).toBe(200);
      const outage = await recordOutage(Date.parse("2026-09-30T22:00:00Z"), Date.now() - hour);
      const made = await claim(alice, outage.outageId);
      expect((await provider.call("PUT", "/v1/provider/settings", settings)).status).toBe(200);
      expect(made.status).toBe(201);
      expect(made.body.outageMonth).toBe("2026-10");
    });

    it("is accepted within 3 calendar months of the outage's end and refused (400) after", async () => {
      const now = Date.now();
      // Ended a day inside and a day outside the 3 months before now (the exact moment: outage-claims.test.ts).
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
        listed.body.items.map((outage: { outageId: string; claimable: boolean }) => [
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

    it("is taken once per operator and outage (409), and each operator sees only its own claims", async () => {
      const outage = await recordOutage(Date.now() - 3 * day, Date.now() - day);
      const first = await claim(alice, outage.outageId);
      expect(first.status).toBe(201);
      const again = await claim(alice, outage.outageId);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe("conflict");
      const alicesView = (await alice.call("GET", "/v1/outages")).body.items.find(
        (listed: { outageId: string }) => listed.outageId === outage.outageId,
      );
      expect(alicesView).toMatchObject({
        outageId: outage.outageId,
        claimable: false,
        claimId: first.body.claimId,
      });
      const bobsView = (await bob.call("GET", "/v1/outages")).body.items.find(
        (listed: { outageId: string }) => listed.outageId === outage.outageId,
      );
      expect(bobsView).toMatchObject({ claimable: true, days: 2 });
      expect(bobsView).not.toHaveProperty("claimId");
      const bobs = await claim(bob, outage.outageId);
      expect(bobs.status).toBe(201);
      const bobsClaims = await bob.call("GET", "/v1/outage_claims");
      expect(bobsClaims.text).toContain(bobs.body.claimId);
      expect(bobsClaims.text).not.toContain(first.body.claimId);
    });

    it("answers 404 for an unknown outage and 400 for a body without outageId", async () => {
      const unknown = await claim(alice, "no-such-outage");
      expect(unknown.status).toBe(404);
      expect(unknown.body.message).toContain("no outage no-such-outage");
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
