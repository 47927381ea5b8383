import { describe, expect, it } from "vitest";
import { logIn, signUp } from "./harness.ts";
import { useTwoInstancesOnPostgres } from "./two-instances.ts";

// Two Conflux processes on one PostgreSQL database count one operator's API calls together.
const instances = await useTwoInstancesOnPostgres(() => ({ limits: { apiCallsPerMinute: 4 } }));

describe.skipIf(!instances.reachable)("the API rate limit on PostgreSQL with two instances", () => {
  it("lets exactly the limit through across both instances, and tells each caller what is left", async () => {
    const email = `api-rate-${Date.now()}@example.com`;
    const onFirst = await signUp(instances.first.url, email);
    const onSecond = await logIn(instances.second.url, email);
    const answers = await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const [url, session] = index % 2 ? [instances.second.url, onSecond] : [instances.first.url, onFirst];
        const answer = await fetch(`${url}/v1/audit_logs/api`, { headers: session.headers });
        return { status: answer.status, remaining: answer.headers.get("x-conflux-ratelimit-remaining") };
      }),
    );
    const allowed = answers.filter((answer) => answer.status === 200);
    expect(allowed).toHaveLength(4);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(6);
    expect(allowed.map((answer) => answer.remaining).sort()).toEqual(["0", "1", "2", "3"]);
  });
});
