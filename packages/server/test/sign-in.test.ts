import { randomUUID } from "node:crypto";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../src/auth/tokens.ts";
import { totpCode } from "../src/auth/totp.ts";
import type { Config } from "../src/conflux.ts";
import type { SqlStore } from "../src/store/sql-store.ts";
import { mailedToken, mailText } from "./account-mail.ts";
import { createPostgresSchema } from "./databases.ts";
import { startTestConflux, testPassword } from "./harness.ts";
import { SmtpStandIn } from "./smtp-stand-in.ts";

const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());
const databases: Array<[string, Config["database"] | undefined]> = [
  ["SQLite", { kind: "sqlite" }],
  ["PostgreSQL", postgres?.database],
];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  text: string;
}

/** Requests from one loopback address each (127.0.0.0/8 is all ours), so each test has a client address of its own. */
let nextAddress = 0;
function clientAddress() {
  const localAddress = `127.0.${Math.floor(nextAddress / 250) + 1}.${(nextAddress % 250) + 2}`;
  nextAddress++;
  return {
    call(baseUrl: string, method: string, path: string, body?: unknown, headers = {}): Promise<Answer> {
      const target = new URL(`${baseUrl}${path}`);
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const outgoing = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            path: target.pathname,
            method,
            localAddress,
            // Node sends a DELETE's body only with its length given.
            headers: {
              ...(payload === undefined
                ? {}
                : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }),
              ...headers,
            },
          },
          (answer) => {
            let text = "";
            answer.setEncoding("utf8");
            answer.on("data", (chunk: string) => {
              text += chunk;
            });
            answer.on("end", () =>
              resolve({
                status: answer.statusCode ?? 0,
                headers: answer.headers,
                body: text ? JSON.parse(text) : undefined,
                text,
              }),
            );
          },
        );
        outgoing.on("error", reject);
        outgoing.end(payload);
      });
    },
    close: async () => {},
  };
}

describe.each(databases)("sign-in on %s", (_name, database) => {
  const smtp = new SmtpStandIn();
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let url: string;

  beforeAll(async () => {
    if (!database) return;
    const port = await smtp.start();
    conflux = await startTestConflux({
      database,
      smtp: { host: "127.0.0.1", port, from: "Conflux <accounts@conflux.test>" },
    });
    url = conflux.url;
  });
  afterAll(async () => {
    await conflux?.cleanUp();
    if (database) await smtp.stop();
  });

  /** A fresh operator, and a client address of its own to sign in from. */
  async function newOperator(password = testPassword) {
    const client = clientAddress();
    const email = `op-${randomUUID()}@example.com`;
    const created = await client.call(url, "POST", "/v1/operators", { email, password });
    expect(created.status, created.text).toBe(201);
    const signIn = (body: Record<string, unknown> = {}) =>
      client.call(url, "POST", "/v1/auth", { email, password, ...body });
    const first = await signIn();
    expect(first.status, first.text).toBe(200);
    const { operatorId, apiKey, token } = first.body;
    const headers = { "x-conflux-api-key": apiKey, "x-conflux-token": token };
    const call = (method: "GET" | "POST" | "PUT" | "DELETE", path: string, body?: unknown) =>
      client.call(url, method, path, body, headers);
    return { client, email, operatorId, signIn, call };
  }

  it.skipIf(!database)(
    "answers sign-up alike for a new and a taken address, and mails the owner of the taken one",
    async () => {
      const client = clientAddress();
      const email = `taken-${randomUUID()}@example.com`;
      const first = await client.call(url, "POST", "/v1/operators", { email, password: testPassword });
      const before = smtp.received.length;
      const second = await client.call(url, "POST", "/v1/operators", {
        email: email.toUpperCase(),
        password: "a different password",
      });
      expect([first.status, first.body]).toEqual([201, { email }]);
      expect([second.status, second.body]).toEqual([201, { email }]);
      expect(first.body).not.toHaveProperty("operatorId");
      await expect
        .poll(() => smtp.received.slice(before).find((mail) => mail.to.includes(email)))
        .toBeTruthy();
      const warning = smtp.received.slice(before).find((mail) => mail.to.includes(email));
      expect(mailText(warning as never)).toContain("already has one");
      // The second sign-up changed nothing: the first password still signs in, the second does not.
      expect(
        (await client.call(url, "POST", "/v1/auth", { email, password: testPassword })).body.operatorId,
      ).toMatch(/^OP\d{10}$/);
      expect(
        (await client.call(url, "POST", "/v1/auth", { email, password: "a different password" })).status,
      ).toBe(401);
      await client.close();
    },
  );

  it.skipIf(!database)("refuses short, long and common passwords at sign-up", async () => {
    const client = clientAddress();
    for (const [password, message] of [
      ["short", "at least 8"],
      ["x".repeat(257), "at most 256"],
      ["iloveyou1", "common passwords"],
    ]) {
      const refused = await client.call(url, "POST", "/v1/operators", {
        email: `p-${randomUUID()}@example.com`,
        password,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.message).toContain(message);
    }
    await client.close();
  });

  it.skipIf(!database)(
    "answers wrong credentials with one 401 whatever the cause, and audits each sign-in",
    async () => {
      const { client, email, call, operatorId } = await newOperator();
      const wrongPassword = await client.call(url, "POST", "/v1/auth", {
        email,
        password: "not the password",
      });
      const unknownAccount = await client.call(url, "POST", "/v1/auth", {
        email: `nobody-${randomUUID()}@example.com`,
        password: testPassword,
      });
      expect(wrongPassword.status).toBe(401);
      expect(unknownAccount.status).toBe(401);
      expect(wrongPassword.body).toEqual(unknownAccount.body);
      const audited = await call("GET", "/v1/audit_logs/api");
      const signIns = audited.body.filter((row: { apiName: string }) => row.apiName === "Auth:auth");
      expect(signIns.map((row: { statusCode: number }) => row.statusCode)).toEqual([401, 200]);
      expect(signIns[0]).toMatchObject({
        operatorId,
        requestPath: "/v1/auth",
        remoteIpAddress: expect.stringMatching(/^127\./),
      });
      expect(signIns[0]).not.toHaveProperty("userName");
      await client.close();
    },
  );

  it.skipIf(!database)(
    "slows down sign-in after 5 failures for an account, alike for a known and an unknown one, even with the right password",
    { timeout: 120_000 },
    async () => {
      const known = await newOperator();
      const unknown = clientAddress();
      const unknownEmail = `nobody-${randomUUID()}@example.com`;
      // The account's failures, then at once (the first wait is 5 s) the right password: refused.
      const failFiveTimes = async (attempt: () => Promise<Answer>) => {
        const answers = [];
        for (let count = 0; count < 5; count++) answers.push(await attempt());
        return answers;
      };
      const knownAnswers = await failFiveTimes(() => known.signIn({ password: "a wrong password" }));
      const knownRefused = await known.signIn();
      const refusedAt = Date.now();
      // Another address does not free the account: the limit is per account too.
      const elsewhere = clientAddress();
      const elsewhereRefused = await elsewhere.call(url, "POST", "/v1/auth", {
        email: known.email,
        password: testPassword,
      });
      const unknownAnswers = await failFiveTimes(() =>
        unknown.call(url, "POST", "/v1/auth", { email: unknownEmail, password: "a wrong password" }),
      );
      const unknownRefused = await unknown.call(url, "POST", "/v1/auth", {
        email: unknownEmail,
        password: testPassword,
      });

      expect(knownAnswers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401]);
      expect(unknownAnswers.map((answer) => answer.body)).toEqual(knownAnswers.map((answer) => answer.body));
      const withoutSeconds = (answer: Answer) => ({
        ...answer.body,
        message: answer.body.message.replace(/\d+/, "N"),
      });
      for (const refused of [knownRefused, elsewhereRefused, unknownRefused]) {
        expect(refused.status).toBe(429);
        expect(withoutSeconds(refused)).toEqual(withoutSeconds(knownRefused));
        expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      }
      expect(knownRefused.body.code).toBe("rate_limited");
      // After the wait, the right password signs in and clears the account's failures.
      const waitMs = Number(knownRefused.headers["retry-after"]) * 1_000 - (Date.now() - refusedAt) + 200;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, waitMs)));
      expect((await known.signIn()).status).toBe(200);
      expect((await known.signIn({ password: "a wrong password" })).status).toBe(401);
      expect((await known.signIn()).status).toBe(200);
      await Promise.all([known.client.close(), unknown.close(), elsewhere.close()]);
    },
  );

  it.skipIf(!database)(
    "slows down an address after 10 failures, whatever accounts they were for",
    { timeout: 120_000 },
    async () => {
      const { client, signIn } = await newOperator();
      for (let attempt = 0; attempt < 10; attempt++) {
        const failed = await client.call(url, "POST", "/v1/auth", {
          email: `guess-${attempt}@example.com`,
          password: "a guess",
        });
        expect(failed.status).toBe(401);
      }
      expect(
        (await client.call(url, "POST", "/v1/auth", { email: "guess-10@example.com", password: "a guess" }))
          .status,
      ).toBe(429);
      expect((await signIn()).status).toBe(429);
      await client.close();
    },
  );

  it.skipIf(database?.kind !== "sqlite")(
    "does not refuse 60 successful sign-ins a minute from one address (only failures count)",
    { timeout: 120_000 },
    async () => {
      const { signIn, client } = await newOperator();
      const statuses = (await Promise.all(Array.from({ length: 60 }, () => signIn()))).map(
        (answer) => answer.status,
      );
      expect(statuses.filter((status) => status !== 200)).toEqual([]);
      await client.close();
    },
  );

  it.skipIf(!database)(
    "turns root MFA on with a code, then signs in only with a fresh code or an unused backup code",
    async () => {
      const operator = await newOperator();
      const { call, operatorId, signIn } = operator;
      expect((await call("GET", `/v1/operators/${operatorId}/mfa`)).body).toEqual({ status: "INACTIVE" });
      const started = await call("POST", `/v1/operators/${operatorId}/mfa`);
      expect(started.status, started.text).toBe(200);
      const uri = new URL(started.body.totpUri);
      expect(uri.protocol).toBe("otpauth:");
      const secret = uri.searchParams.get("secret") as string;

      const wrong = await call("POST", `/v1/operators/${operatorId}/mfa/verify`, {
        mfaOTPCode: totpCode(secret, Date.now() + 5 * 60_000),
      });
      expect(wrong.status).toBe(400);
      expect((await call("GET", `/v1/operators/${operatorId}/mfa`)).body).toEqual({ status: "INACTIVE" });
      const now = Date.now();
      const verified = await call("POST", `/v1/operators/${operatorId}/mfa/verify`, {
        mfaOTPCode: totpCode(secret, now),
      });
      expect(verified.status, verified.text).toBe(200);
      expect(verified.body.backupCodes).toHaveLength(5);
      expect(new Set(verified.body.backupCodes).size).toBe(5);
      expect((await call("GET", `/v1/operators/${operatorId}/mfa`)).body).toEqual({ status: "ACTIVE" });
      expect((await call("POST", `/v1/operators/${operatorId}/mfa`)).status).toBe(409);

      const noCode = await signIn();
      expect(noCode.status).toBe(401);
      const replayedVerifyCode = await signIn({ mfaOTPCode: totpCode(secret, now) });
      expect(replayedVerifyCode.status).toBe(401);
      expect(replayedVerifyCode.body).toEqual(noCode.body);
      const nextCode = totpCode(secret, now + 30_000);
      expect((await signIn({ mfaOTPCode: nextCode })).status).toBe(200);
      expect((await signIn({ mfaOTPCode: nextCode })).status).toBe(401);
      const [backupCode] = verified.body.backupCodes as string[];
      expect((await signIn({ mfaOTPCode: (backupCode as string).toLowerCase() })).status).toBe(200);
      expect((await signIn({ mfaOTPCode: backupCode })).status).toBe(401);
      expect(
        (await signIn({ password: "a wrong password", mfaOTPCode: verified.body.backupCodes[1] })).status,
      ).toBe(401);
      expect((await signIn({ mfaOTPCode: verified.body.backupCodes[1] })).status).toBe(200);

      const { secret: stored } = (await conflux.services.accounts.mfa.state(operatorId, "")) ?? {
        secret: "",
      };
      expect(stored).toBe(secret);
      const row = await conflux.services.accounts.operators.byId(operatorId);
      expect(row).toBeDefined();

      expect(
        (await call("DELETE", `/v1/operators/${operatorId}/mfa`, { password: "a wrong password" })).status,
      ).toBe(403);
      expect((await call("GET", `/v1/operators/${operatorId}/mfa`)).body).toEqual({ status: "ACTIVE" });
      expect(
        (await call("DELETE", `/v1/operators/${operatorId}/mfa`, { password: testPassword })).status,
      ).toBe(204);
      expect((await call("GET", `/v1/operators/${operatorId}/mfa`)).body).toEqual({ status: "INACTIVE" });
      expect((await signIn()).status).toBe(200);
      await operator.client.close();
    },
  );

  it.skipIf(!database)(
    "keeps MFA secrets sealed at rest and another operator out of the MFA routes",
    async () => {
      const owner = await newOperator();
      const other = await newOperator();
      const started = await owner.call("POST", `/v1/operators/${owner.operatorId}/mfa`);
      const secret = new URL(started.body.totpUri).searchParams.get("secret") as string;
      const row = await (conflux.services.store as SqlStore).db
        .withTables<{ mfa: { operatorId: string; sealedSecret: string } }>()
        .selectFrom("mfa")
        .select("sealedSecret")
        .where("operatorId", "=", owner.operatorId)
        .executeTakeFirstOrThrow();
      expect(row.sealedSecret).not.toContain(secret);
      for (const [method, path] of [
        ["GET", "/mfa"],
        ["POST", "/mfa"],
        ["POST", "/mfa/verify"],
        ["GET", "/emails"],
      ] as const) {
        const refused = await other.call(
          method,
          `/v1/operators/${owner.operatorId}${path}`,
          method === "POST" ? { mfaOTPCode: "123456" } : undefined,
        );
        expect(refused.status, `${method} ${path}`).toBe(404);
      }
      await Promise.all([owner.client.close(), other.client.close()]);
    },
  );

  it.skipIf(!database)(
    "signs in a user with {operatorId, userName, password} and an auth key with {authKeyId, authKey}, within tokenTimeoutSeconds",
    async () => {
      const root = await newOperator();
      const { call, operatorId, client } = root;
      const users = `/v1/operators/${operatorId}/users`;
      expect((await call("POST", `${users}/alice`, { description: "" })).status).toBe(201);
      expect((await call("POST", `${users}/alice/password`, { password: "password1" })).status).toBe(400);
      expect(
        (await call("POST", `${users}/alice/password`, { password: "alice signs in here" })).status,
      ).toBe(201);
      const signIn = (body: Record<string, unknown>) => client.call(url, "POST", "/v1/auth", body);

      const alice = await signIn({ operatorId, userName: "alice", password: "alice signs in here" });
      expect(alice.status, alice.text).toBe(200);
      expect(Object.keys(alice.body).sort()).toEqual(["apiKey", "operatorId", "token", "userName"]);
      expect(alice.body).toMatchObject({ operatorId, userName: "alice" });
      const wrongUser = await signIn({ operatorId, userName: "nobody", password: "alice signs in here" });
      const wrongPassword = await signIn({ operatorId, userName: "alice", password: "not alice's" });
      expect([wrongUser.status, wrongPassword.status]).toEqual([401, 401]);
      expect(wrongUser.body).toEqual(wrongPassword.body);
      expect(Object.keys((await root.signIn()).body)).not.toContain("userName");

      const rootKey = await call("POST", `/v1/operators/${operatorId}/auth_keys`);
      const aliceKey = await call("POST", `${users}/alice/auth_keys`);
      const byRootKey = await signIn({ authKeyId: rootKey.body.authKeyId, authKey: rootKey.body.authKey });
      expect(byRootKey.status, byRootKey.text).toBe(200);
      expect(byRootKey.body).toEqual({ apiKey: expect.any(String), token: expect.any(String), operatorId });
      const byAliceKey = await signIn({ authKeyId: aliceKey.body.authKeyId, authKey: aliceKey.body.authKey });
      expect(byAliceKey.body).toMatchObject({ operatorId, userName: "alice" });
      expect((await signIn({ authKeyId: aliceKey.body.authKeyId, authKey: "secret-wrong" })).status).toBe(
        401,
      );
      expect((await signIn({ authKeyId: "keyId-nothing", authKey: aliceKey.body.authKey })).status).toBe(401);
      expect((await signIn({ operatorId })).status).toBe(400);

      for (const tokenTimeoutSeconds of [179, 172_801]) {
        const refused = await signIn({
          authKeyId: rootKey.body.authKeyId,
          authKey: rootKey.body.authKey,
          tokenTimeoutSeconds,
        });
        expect(refused.status).toBe(400);
      }
      const before = Date.now();
      const short = await signIn({
        authKeyId: rootKey.body.authKeyId,
        authKey: rootKey.body.authKey,
        tokenTimeoutSeconds: 180,
      });
      const found = await conflux.services.store.findToken(hashSecret(short.body.token));
      expect(found?.expiresAt).toBeGreaterThanOrEqual(before + 180_000);
      expect(found?.expiresAt).toBeLessThanOrEqual(Date.now() + 180_000);
    },
  );

  it.skipIf(!database)(
    "turns a user's MFA on and off (verify 204, DELETE without body) and asks the user for a code, not its keys",
    async () => {
      const root = await newOperator();
      const { call, operatorId, client } = root;
      const users = `/v1/operators/${operatorId}/users`;
      await call("POST", `${users}/bob`, { description: "" });
      await call("POST", `${users}/bob/password`, { password: "bob signs in here" });
      const bobKey = await call("POST", `${users}/bob/auth_keys`);
      const signIn = (body: Record<string, unknown> = {}) =>
        client.call(url, "POST", "/v1/auth", {
          operatorId,
          userName: "bob",
          password: "bob signs in here",
          ...body,
        });
      const bob = (await signIn()).body;
      const asBob = (method: string, path: string, body?: unknown) =>
        client.call(url, method, path, body, {
          "x-conflux-api-key": bob.apiKey,
          "x-conflux-token": bob.token,
        });

      // Bob sets up his own MFA; he may not touch root's.
      expect((await asBob("POST", `/v1/operators/${operatorId}/mfa`)).status).toBe(403);
      const started = await asBob("POST", `${users}/bob/mfa`);
      expect(started.status, started.text).toBe(200);
      const secret = new URL(started.body.totpUri).searchParams.get("secret") as string;
      const now = Date.now();
      const verified = await asBob("POST", `${users}/bob/mfa/verify`, { mfaOTPCode: totpCode(secret, now) });
      expect([verified.status, verified.text]).toEqual([204, ""]);
      expect((await call("GET", `${users}/bob/mfa`)).body).toEqual({ status: "ACTIVE" });

      expect((await signIn()).status).toBe(401);
      expect((await signIn({ mfaOTPCode: totpCode(secret, now) })).status).toBe(401);
      const nextCode = totpCode(secret, now + 30_000);
      expect((await signIn({ mfaOTPCode: nextCode })).status).toBe(200);
      expect((await signIn({ mfaOTPCode: nextCode })).status).toBe(401);
      expect(
        (
          await client.call(url, "POST", "/v1/auth", {
            authKeyId: bobKey.body.authKeyId,
            authKey: bobKey.body.authKey,
          })
        ).status,
      ).toBe(200);

      // Turning it off is root's (or a permitted user's): a stolen token of Bob's cannot.
      expect((await asBob("DELETE", `${users}/bob/mfa`)).status).toBe(403);
      expect((await call("DELETE", `${users}/bob/mfa`)).status).toBe(204);
      expect((await call("GET", `${users}/bob/mfa`)).body).toEqual({ status: "INACTIVE" });
      expect((await signIn()).status).toBe(200);
      expect((await call("GET", `${users}/nobody/mfa`)).status).toBe(404);
    },
  );

  it.skipIf(!database)(
    "resets the password by the mailed token, once, ending every token; answers alike for an unknown address",
    async () => {
      const operator = await newOperator();
      const { client, email, call } = operator;
      const before = smtp.received.length;
      const issued = await client.call(url, "POST", "/v1/auth/password_reset_token/issue", {
        email: email.toUpperCase(),
      });
      const unknown = await client.call(url, "POST", "/v1/auth/password_reset_token/issue", {
        email: `nobody-${randomUUID()}@example.com`,
      });
      expect([issued.status, issued.text]).toEqual([200, ""]);
      expect([unknown.status, unknown.text]).toEqual([200, ""]);
      const token = await mailedToken(smtp, email, before);
      expect(
        smtp.received.slice(before).filter((mail) => mail.to.some((to) => to.startsWith("nobody-"))),
      ).toEqual([]);

      const common = await client.call(url, "POST", "/v1/auth/password_reset_token/verify", {
        token,
        password: "password123",
      });
      expect(common.status).toBe(400);
      const reset = await client.call(url, "POST", "/v1/auth/password_reset_token/verify", {
        token,
        password: "a brand new passphrase",
      });
      expect(reset.status, reset.text).toBe(200);
      expect((await call("GET", "/v1/apps")).status).toBe(401);
      const again = await client.call(url, "POST", "/v1/auth/password_reset_token/verify", {
        token,
        password: "yet another passphrase",
      });
      expect(again.status).toBe(400);
      expect((await operator.signIn()).status).toBe(401);
      expect((await operator.signIn({ password: "a brand new passphrase" })).status).toBe(200);
      await client.close();
    },
  );

  it.skipIf(!database)("limits reset mails per address alike for known and unknown addresses", async () => {
    const { client, email } = await newOperator();
    const unknownEmail = `nobody-${randomUUID()}@example.com`;
    for (const address of [email, unknownEmail]) {
      const statuses = [];
      for (let attempt = 0; attempt < 4; attempt++)
        statuses.push(
          (await client.call(url, "POST", "/v1/auth/password_reset_token/issue", { email: address })).status,
        );
      expect(statuses).toEqual([200, 200, 200, 429]);
    }
    await client.close();
  });

  it.skipIf(!database)(
    "verifies an added address by the mailed link; lists and removes addresses",
    async () => {
      const { call, operatorId, client } = await newOperator();
      const email = `alerts-${randomUUID()}@example.com`;
      const before = smtp.received.length;
      const added = await call("POST", `/v1/operators/${operatorId}/emails`, { email });
      expect(added.status, added.text).toBe(201);
      expect(added.body).toMatchObject({ email, verified: false });
      const token = await mailedToken(smtp, email, before);
      expect((await call("GET", `/v1/operators/${operatorId}/emails`)).body).toMatchObject([
        { email, verified: false },
      ]);
      const bad = await client.call(url, "POST", "/v1/operators/add_email_token/verify", {
        token: "not-a-token",
      });
      expect(bad.status).toBe(400);
      // The link works for whoever reads the mailbox, signed in or not.
      const verified = await client.call(url, "POST", "/v1/operators/add_email_token/verify", { token });
      expect(verified.status, verified.text).toBe(200);
      const listed = await call("GET", `/v1/operators/${operatorId}/emails`);
      expect(listed.body).toMatchObject([{ email, verified: true, emailId: added.body.emailId }]);
      expect((await call("DELETE", `/v1/operators/${operatorId}/emails/${added.body.emailId}`)).status).toBe(
        204,
      );
      expect((await call("GET", `/v1/operators/${operatorId}/emails`)).body).toEqual([]);
      expect((await call("DELETE", `/v1/operators/${operatorId}/emails/${added.body.emailId}`)).status).toBe(
        404,
      );
      await client.close();
    },
  );
});
