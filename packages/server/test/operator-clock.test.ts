// The time GET /v1/notices and POST /v1/outage_claims judge by is the operator's clock, given to the
// notices module (issue 14's test clocks give one per operator): the claim deadline holds to the
// millisecond through the API, with the real authentication, permission check and stores.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi } from "../src/api/build-api.ts";
import { noticesModule } from "../src/notices/module.ts";
import { type ApiSession, signUp, startTestConflux } from "./harness.ts";

const endedAt = Date.parse("2026-11-30T23:00:00Z");
const deadline = Date.parse("2027-02-28T23:00:00Z");

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let alice: ApiSession;
let api: FastifyInstance;
/** Alice's clock; every other operator reads the real time. */
let aliceNow = 0;

beforeAll(async () => {
  conflux = await startTestConflux();
  alice = await signUp(conflux.url);
  const deps = {
    ...conflux.services,
    operatorClock: (operatorId: string) => (operatorId === alice.operatorId ? aliceNow : Date.now()),
  };
  api = await buildApi(conflux.services, {
    open: async () => {},
    authenticated: (app) => noticesModule.routes(app, deps),
    provider: async () => {},
  });
  await api.ready();
});
afterAll(async () => {
  await api?.close();
  await conflux?.cleanUp();
});

async function call(method: "GET" | "POST", url: string, body?: unknown) {
  const answer = await api.inject({
    method,
    url,
    headers: alice.headers,
    ...(body ? { payload: body } : {}),
  });
  return { status: answer.statusCode, body: answer.json() };
}

describe("the operator's clock", () => {
  it("decides whether an outage can still be claimed, to the millisecond", async () => {
    const { outages } = conflux.services;
    const onTime = await outages.recordOutage(
      { startedAt: endedAt - 71 * 3_600_000, endedAt, description: "a" },
      0,
    );
    const late = await outages.recordOutage(
      { startedAt: endedAt - 71 * 3_600_000, endedAt, description: "b" },
      0,
    );
    aliceNow = deadline + 1;
    const refused = await call("POST", "/v1/outage_claims", { outageId: late.outageId });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain("until 2027-02-28T23:00:00.000Z");
    aliceNow = deadline;
    const listed = await call("GET", "/v1/outages");
    expect(
      listed.body.items.find((o: { outageId: string }) => o.outageId === onTime.outageId).claimable,
    ).toBe(true);
    const accepted = await call("POST", "/v1/outage_claims", { outageId: onTime.outageId });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({
      days: 2,
      outageMonth: "2026-11",
      claimedDateTime: deadline / 1_000,
    });
  });

  it("decides which notices are current", async () => {
    const startsAt = Date.parse("2030-01-01T00:00:00Z");
    await conflux.services.notices.createNotice(
      { title: "Later", body: "", severity: "info", startsAt, endsAt: startsAt + 3_600_000 },
      Date.now(),
    );
    aliceNow = startsAt + 3_599_999;
    expect((await call("GET", "/v1/notices")).body.notices.map((n: { title: string }) => n.title)).toEqual([
      "Later",
    ]);
    aliceNow = startsAt + 3_600_000;
    expect((await call("GET", "/v1/notices")).body.notices).toEqual([]);
  });
});
