import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../src/conflux.ts";
import { mailedToken, mailText } from "./account-mail.ts";
import { createPostgresSchema } from "./databases.ts";
import { createDeviceFixture, dataOf, runsOf } from "./device-fixture.ts";
import { type ApiSession, logIn, sessionFor, startTestConflux, testPassword, waitForRun } from "./harness.ts";
import { providerSession } from "./provider-session.ts";
import { SmtpStandIn } from "./smtp-stand-in.ts";

const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());
const databases: Array<[string, Config["database"] | undefined]> = [
  ["SQLite", { kind: "sqlite" }],
  ["PostgreSQL", postgres?.database],
];

describe.each(databases)("the operators' lifecycle on %s", (_name, database) => {
  const smtp = new SmtpStandIn();
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let provider: ApiSession;

  beforeAll(async () => {
    if (!database) return;
    const port = await smtp.start();
    conflux = await startTestConflux({
      database,
      smtp: { host: "127.0.0.1", port, from: "Conflux <accounts@conflux.test>" },
      // Every test signs up from the same address.
      limits: { authAttemptsPerMinute: 10_000 },
    });
    provider = await providerSession(conflux);
  });
  afterAll(async () => {
    await conflux?.cleanUp();
    if (database) await smtp.stop();
  });

  async function post(path: string, body: unknown) {
    const response = await fetch(`${conflux.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }
  const signUp = (email: string) => post("/v1/operators", { email, password: testPassword });
  const signIn = (email: string) => post("/v1/auth", { email, password: testPassword });
  const newAddress = () => `op-${randomUUID()}@example.com`;
  const mailTo = (to: string, subject: string) =>
    smtp.received.find((mail) => mail.to.includes(to) && mailText(mail).includes(subject));

  async function setSignUp(settings: { signUpPolicy: string; emailVerificationRequired?: boolean }) {
    const current = (await provider.call("GET", "/v1/provider/settings")).body;
    const saved = await provider.call("PUT", "/v1/provider/settings", {
      ...current,
      emailVerificationRequired: false,
      ...settings,
    });
    expect(saved.status, saved.text).toBe(200);
  }

  async function operatorByEmail(email: string) {
    const listed = await provider.call("GET", `/v1/provider/operators?search=${encodeURIComponent(email)}`);
    expect(listed.body.items).toHaveLength(1);
    return listed.body.items[0];
  }

  it.skipIf(!database)("open: a new account signs in at once and is active", async () => {
    await setSignUp({ signUpPolicy: "open" });
    const email = newAddress();
    expect((await signUp(email)).status).toBe(201);
    const signedIn = await signIn(email);
    expect(signedIn.status).toBe(200);
    expect(await operatorByEmail(email)).toEqual({
      operatorId: signedIn.body.operatorId,
      email,
      status: "active",
      createDateTime: expect.any(Number),
    });
  });

  it.skipIf(!database)("open with e-mail verification: sign-in waits for the mailed link", async () => {
    await setSignUp({ signUpPolicy: "open", emailVerificationRequired: true });
    const email = newAddress();
    const before = smtp.received.length;
    expect((await signUp(email)).status).toBe(201);
    const refused = await signIn(email);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("email_not_verified");
    // Signing up again mails a fresh link instead of a warning.
    expect((await signUp(email)).status).toBe(201);
    const token = await mailedToken(smtp, email, before);
    const verified = await post("/v1/operators/add_email_token/verify", { token });
    expect(verified.status).toBe(200);
    const signedIn = await signIn(email);
    expect(signedIn.status).toBe(200);
    const session = sessionFor(conflux.url, signedIn.body);
    const addresses = await session.call("GET", `/v1/operators/${session.operatorId}/emails`);
    expect(addresses.body).toEqual([expect.objectContaining({ email, verified: true })]);
  });

  it.skipIf(!database)("review: an application is pending until accepted", async () => {
    await setSignUp({ signUpPolicy: "review" });
    const email = newAddress();
    const applied = await signUp(email);
    expect(applied).toEqual({ status: 201, body: { email } });
    const pending = await signIn(email);
    expect(pending.status).toBe(403);
    expect(pending.body.code).toBe("account_pending");
    const operator = await operatorByEmail(email);
    expect(operator.status).toBe("pending");
    const listed = await provider.call("GET", "/v1/provider/operators?status=pending&limit=1000");
    expect(listed.body.items.map((o: { operatorId: string }) => o.operatorId)).toContain(operator.operatorId);

    const accepted = await provider.call("POST", `/v1/provider/operators/${operator.operatorId}/accept`);
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body.status).toBe("active");
    await expect.poll(() => mailTo(email, "Your Conflux account is open")).toBeDefined();
    expect((await signIn(email)).status).toBe(200);
    const again = await provider.call("POST", `/v1/provider/operators/${operator.operatorId}/accept`);
    expect(again.status).toBe(409);
  });

  it.skipIf(!database)("review: a refused application cannot sign in nor apply again", async () => {
    await setSignUp({ signUpPolicy: "review" });
    const email = newAddress();
    await signUp(email);
    const { operatorId } = await operatorByEmail(email);
    const badReason = await provider.call("POST", `/v1/provider/operators/${operatorId}/refuse`, {
      reason: "dislike",
    });
    expect(badReason.status).toBe(400);
    const refused = await provider.call("POST", `/v1/provider/operators/${operatorId}/refuse`, {
      reason: "terminated_before",
      message: "Your earlier contract was terminated.",
    });
    expect(refused.status, refused.text).toBe(200);
    expect(refused.body).toMatchObject({ status: "refused", statusReason: "terminated_before" });
    expect((await provider.call("GET", `/v1/provider/operators/${operatorId}`)).body.statusReason).toBe(
      "terminated_before",
    );
    await expect.poll(() => mailTo(email, "Your earlier contract was terminated.")).toBeDefined();
    const refusal = mailTo(email, "not accepted");
    expect(refusal && mailText(refusal)).toContain(
      "the provider terminated a contract with the applicant before",
    );

    const signIn403 = await signIn(email);
    expect(signIn403.status).toBe(403);
    expect(signIn403.body.code).toBe("account_refused");
    await setSignUp({ signUpPolicy: "open" });
    const applyAgain = await signUp(email.toUpperCase());
    expect(applyAgain.status).toBe(409);
    expect(applyAgain.body.message).toContain("refused");
    expect((await provider.call("POST", `/v1/provider/operators/${operatorId}/accept`)).status).toBe(409);

    // Once the provider deletes the refused application, the address may apply again.
    expect((await provider.call("DELETE", `/v1/provider/operators/${operatorId}`)).status).toBe(204);
    expect((await provider.call("GET", `/v1/provider/operators/${operatorId}`)).status).toBe(404);
    expect((await signUp(email)).status).toBe(201);
    expect((await signIn(email)).status).toBe(200);
    const active = await operatorByEmail(email);
    const deleteActive = await provider.call("DELETE", `/v1/provider/operators/${active.operatorId}`);
    expect(deleteActive.status).toBe(409);
    expect(deleteActive.body.message).toContain("terminate");
  });

  it.skipIf(!database)("closed: sign-up is refused, the provider still creates accounts", async () => {
    await setSignUp({ signUpPolicy: "closed" });
    const email = newAddress();
    const closed = await signUp(email);
    expect(closed.status).toBe(403);
    expect(closed.body.code).toBe("sign_up_closed");

    const created = await provider.call("POST", "/v1/provider/operators", {
      email,
      password: testPassword,
      planId: "developer",
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body).toMatchObject({ email, status: "active" });
    expect(created.body.operatorId).toMatch(/^OP\d{10}$/);
    expect((await signIn(email)).status).toBe(200);
    const twice = await provider.call("POST", "/v1/provider/operators", { email, password: testPassword });
    expect(twice.status).toBe(409);
    for (const body of [
      { email: newAddress(), password: testPassword, planId: "" },
      { email: newAddress(), password: testPassword, plan: "developer" },
      { email: "not an address", password: testPassword },
      { email: newAddress(), password: "short" },
    ]) {
      const bad = await provider.call("POST", "/v1/provider/operators", body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
    }
    await setSignUp({ signUpPolicy: "open" });
  });

  it.skipIf(!database)("lists operators a page at a time and by search", async () => {
    const prefix = randomUUID().slice(0, 8);
    for (let n = 0; n < 3; n++) expect((await signUp(`${prefix}-${n}@Example.com`)).status).toBe(201);
    const found = await provider.call("GET", `/v1/provider/operators?search=${prefix.toUpperCase()}-`);
    expect(found.body.items.map((o: { email: string }) => o.email).sort()).toEqual([
      `${prefix}-0@example.com`,
      `${prefix}-1@example.com`,
      `${prefix}-2@example.com`,
    ]);
    const byId = await provider.call(
      "GET",
      `/v1/provider/operators?search=${found.body.items[0].operatorId.toLowerCase()}`,
    );
    expect(byId.body).toEqual({ items: [found.body.items[0]], nextCursor: null });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await provider.call(
        "GET",
        `/v1/provider/operators?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      const operators = page.body.items as Array<{ operatorId: string }>;
      expect(operators.length).toBeLessThanOrEqual(2);
      seen.push(...operators.map((operator) => operator.operatorId));
      cursor = page.body.nextCursor;
    } while (cursor);
    const all = await provider.call("GET", "/v1/provider/operators?limit=1000");
    expect(seen).toEqual(all.body.items.map((operator: { operatorId: string }) => operator.operatorId));
    expect(seen.length).toBeGreaterThan(3);
    expect((await provider.call("GET", "/v1/provider/operators?status=gone")).status).toBe(400);
    expect((await provider.call("GET", "/v1/provider/operators/OP0000000000")).status).toBe(404);
  });

  it.skipIf(!database)("an operator's id changes everywhere; its token, data and apps carry on", async () => {
    const email = newAddress();
    await signUp(email);
    const session = await logIn(conflux.url, email);
    const oldId = session.operatorId;
    // Data in many tables: apps, runs, a user, credentials, devices and their data, a file.
    const created = await session.call("POST", "/v1/apps", {
      name: "relay",
      channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
      actions: [{ actionId: "copy", channelId: "in", type: "republish", config: {} }],
    });
    const appId = created.body.appId;
    const firstRun = (await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { n: 1 })).body
      .executionId;
    await waitForRun(session, appId, firstRun);
    expect((await session.call("POST", `/v1/operators/${oldId}/users/alice`, {})).status).toBe(201);
    await session.call("PUT", "/v1/credentials/token", { type: "api-token", credentials: { token: "t" } });
    const fixture = await createDeviceFixture(session);
    const sent = await fetch(`${conflux.url}/v1/devices/${fixture.deviceId}/data`, {
      method: "POST",
      headers: { authorization: `Bearer ${fixture.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ temperature: 4 }),
    });
    expect(sent.status).toBe(202);
    await expect.poll(() => dataOf(session, fixture.deviceId)).toEqual([{ temperature: 4 }]);
    const file = await session.call("PUT", "/v1/files/notes/a.txt", "hello", {
      "content-type": "text/plain",
    });
    expect(file.status, file.text).toBeLessThan(300);

    const newId = `OP${String(Date.now()).slice(-10)}`;
    const path = `/v1/provider/operators/${oldId}/operator_id`;
    expect((await provider.call("POST", path, { operatorId: "op123" })).status).toBe(400);
    expect((await provider.call("POST", path, { operatorId: "OP12345678901" })).status).toBe(400);
    const other = (
      await provider.call("POST", "/v1/provider/operators", { email: newAddress(), password: testPassword })
    ).body.operatorId;
    const taken = await provider.call("POST", path, { operatorId: other });
    expect(taken.status).toBe(409);
    const changed = await provider.call("POST", path, { operatorId: newId });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toMatchObject({ operatorId: newId, email, status: "active" });
    expect((await provider.call("GET", `/v1/provider/operators/${oldId}`)).status).toBe(404);
    expect((await provider.call("POST", path, { operatorId: "OP0000000042" })).status).toBe(404);

    // The token from before the change acts for the new id.
    const apps = await session.call("GET", "/v1/apps");
    expect(apps.status).toBe(200);
    expect(apps.body.items.map((app: { appId: string }) => app.appId).sort()).toEqual(
      [appId, fixture.appId].sort(),
    );
    expect((await runsOf(session, appId)).map((run) => run.runId)).toContain(firstRun);
    expect((await waitForRun(session, appId, firstRun)).status).toBe("completed");
    const users = await session.call("GET", `/v1/operators/${newId}/users`);
    expect(users.body.map((user: { userName: string }) => user.userName)).toEqual(["alice"]);
    expect((await session.call("GET", `/v1/operators/${oldId}/users`)).status).toBe(404);
    expect((await session.call("GET", "/v1/credentials")).body).toHaveLength(1);
    expect((await session.call("GET", `/v1/devices/${fixture.deviceId}`)).status).toBe(200);
    expect(await dataOf(session, fixture.deviceId)).toEqual([{ temperature: 4 }]);
    const read = await fetch(`${conflux.url}/v1/files/notes/a.txt`, { headers: session.headers });
    expect(await read.text()).toBe("hello");

    // Running apps carry on under the new id: the api source and a device's data.
    const secondRun = (await session.call("POST", `/v1/apps/${appId}/channels/in/messages`, { n: 2 })).body
      .executionId;
    expect((await waitForRun(session, appId, secondRun)).status).toBe("completed");
    const sentAfter = await fetch(`${conflux.url}/v1/devices/${fixture.deviceId}/data`, {
      method: "POST",
      headers: { authorization: `Bearer ${fixture.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ temperature: 5 }),
    });
    expect(sentAfter.status).toBe(202);
    await expect
      .poll(() => dataOf(session, fixture.deviceId))
      .toEqual([{ temperature: 4 }, { temperature: 5 }]);
    await expect.poll(async () => (await runsOf(session, fixture.appId)).length).toBe(2);
    // Signing in again gives the new id.
    expect((await signIn(email)).body.operatorId).toBe(newId);
  });
});
