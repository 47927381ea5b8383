// Users, roles, default permissions, auth keys and tokens driven as a client would (accounts.md),
// with users' calls allowed and refused by their permissions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret } from "../src/auth/tokens.ts";
import { type ApiSession, logIn, signUp, startTestConflux } from "./harness.ts";
import { userSession } from "./user-session.ts";

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let root: ApiSession;
let rootEmail: string;
let op: string;

const readApps = JSON.stringify({ statements: [{ effect: "allow", api: ["App:list*", "App:get*"] }] });
const everything = JSON.stringify({ statements: [{ effect: "allow", api: "*" }] });
const whole = (epochSeconds: unknown) => typeof epochSeconds === "number" && Number.isInteger(epochSeconds);

beforeAll(async () => {
  conflux = await startTestConflux();
  rootEmail = `root-${Math.random().toString(36).slice(2)}@example.com`;
  root = await signUp(conflux.url, rootEmail);
  op = `/v1/operators/${root.operatorId}`;
});
afterAll(async () => conflux?.cleanUp());

describe("users", () => {
  it("creates a user with no password, keys, roles or permission, in SORACOM's shape", async () => {
    expect((await root.call("GET", `${op}/users`)).body).toEqual([]);
    const before = Math.floor(Date.now() / 1000);
    const created = await root.call("POST", `${op}/users/alice`, { description: "reads apps" });
    expect(created.status).toBe(201);
    const alice = (await root.call("GET", `${op}/users/alice`)).body;
    expect(alice).toMatchObject({
      userName: "alice",
      description: "reads apps",
      hasPassword: false,
      permission: "",
      authKeyList: [],
      roleList: [],
    });
    expect(whole(alice.createDateTime) && alice.createDateTime >= before).toBe(true);
    expect(alice.updateDateTime).toBe(alice.createDateTime);
    expect(Object.values(alice)).not.toContain(null);
    expect((await root.call("POST", `${op}/users/bob`)).status).toBe(201);
    expect(
      (await root.call("GET", `${op}/users`)).body.map((user: { userName: string }) => user.userName),
    ).toEqual(["alice", "bob"]);
  });

  it("refuses a second user of the same name, a reserved or malformed name, and unknown users", async () => {
    expect((await root.call("POST", `${op}/users/alice`, {})).status).toBe(409);
    expect((await root.call("POST", `${op}/users/default_permissions`, {})).status).toBe(400);
    const malformed = await root.call("POST", `${op}/users/${encodeURIComponent("no spaces")}`, {});
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/user name/);
    expect((await root.call("GET", `${op}/users/nobody`)).status).toBe(404);
    expect((await root.call("PUT", `${op}/users/nobody`, { description: "x" })).status).toBe(404);
    expect((await root.call("DELETE", `${op}/users/nobody`)).status).toBe(404);
  });

  it("updates the description, sets a password and a permission", async () => {
    const updated = await root.call("PUT", `${op}/users/alice`, { description: "reads apps only" });
    expect(updated.status).toBe(200);
    expect(updated.body.description).toBe("reads apps only");

    const short = await root.call("POST", `${op}/users/alice/password`, { password: "short" });
    expect(short.status).toBe(400);
    expect(short.body.message).toMatch(/at least 8/);
    expect(
      (await root.call("POST", `${op}/users/alice/password`, { password: "alice's first password" })).status,
    ).toBe(201);
    expect((await root.call("GET", `${op}/users/alice`)).body.hasPassword).toBe(true);

    const broken = await root.call("PUT", `${op}/users/alice/permission`, { permission: '{"statements": [' });
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/\d+:\d+|line/);
    const wrongShape = await root.call("PUT", `${op}/users/alice/permission`, {
      permission: JSON.stringify({ statements: [{ effect: "maybe", api: "*" }] }),
    });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.message).toMatch(/statements\[0\]\.effect/);
    const set = await root.call("PUT", `${op}/users/alice/permission`, {
      permission: readApps,
      description: "reader",
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ permission: readApps, description: "reader" });
  });
});

describe("roles and default permissions", () => {
  it("creates, reads, lists and updates roles", async () => {
    const created = await root.call("POST", `${op}/roles/writer`, {
      permission: everything,
      description: "all",
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ roleId: "writer" });
    expect((await root.call("POST", `${op}/roles/writer`, { permission: everything })).status).toBe(409);
    expect((await root.call("POST", `${op}/roles/bad`, { permission: "not json" })).status).toBe(400);
    const role = (await root.call("GET", `${op}/roles/writer`)).body;
    expect(role).toMatchObject({
      roleId: "writer",
      roleName: "writer",
      description: "all",
      permission: everything,
      owner: "operator",
    });
    expect(whole(role.createDateTime) && whole(role.updateDateTime)).toBe(true);
    const updated = await root.call("PUT", `${op}/roles/writer`, { description: "writes everything" });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ description: "writes everything", permission: everything });
    expect((await root.call("PUT", `${op}/roles/missing`, { description: "x" })).status).toBe(404);
    expect((await root.call("GET", `${op}/roles`)).body.map((r: { roleId: string }) => r.roleId)).toEqual([
      "writer",
    ]);
  });

  it("attaches a role to a user and detaches it", async () => {
    expect((await root.call("POST", `${op}/users/bob/roles`, { roleId: "writer" })).status).toBe(200);
    expect((await root.call("POST", `${op}/users/bob/roles`, { roleId: "missing" })).status).toBe(404);
    expect((await root.call("POST", `${op}/users/nobody/roles`, { roleId: "writer" })).status).toBe(404);
    const bob = (await root.call("GET", `${op}/users/bob`)).body;
    expect(bob.roleList).toEqual([
      expect.objectContaining({ roleId: "writer", description: "writes everything", owner: "operator" }),
    ]);
    expect((await root.call("GET", `${op}/users/bob/roles`)).body).toEqual(bob.roleList);
    expect((await root.call("GET", `${op}/roles/writer/users`)).body).toEqual([{ userName: "bob" }]);
    expect((await root.call("DELETE", `${op}/users/bob/roles/writer`)).status).toBe(200);
    expect((await root.call("DELETE", `${op}/users/bob/roles/writer`)).status).toBe(404);
    expect((await root.call("GET", `${op}/users/bob`)).body.roleList).toEqual([]);
  });

  it("reads, sets and removes the default permissions", async () => {
    expect((await root.call("GET", `${op}/users/default_permissions`)).body).toEqual({
      defaultPermissions: "",
    });
    expect((await root.call("PUT", `${op}/users/default_permissions`, { permissions: "[" })).status).toBe(
      400,
    );
    expect(
      (await root.call("PUT", `${op}/users/default_permissions`, { permissions: readApps })).status,
    ).toBe(202);
    expect((await root.call("GET", `${op}/users/default_permissions`)).body).toEqual({
      defaultPermissions: readApps,
    });
    expect((await root.call("DELETE", `${op}/users/default_permissions`)).status).toBe(204);
    expect((await root.call("GET", `${op}/users/default_permissions`)).body).toEqual({
      defaultPermissions: "",
    });
  });
});

describe("auth keys", () => {
  it("gives the root user keys whose secret is shown once and stored hashed, at most two", async () => {
    const created = await root.call("POST", `${op}/auth_keys`);
    expect(created.status).toBe(201);
    expect(created.body.authKeyId).toMatch(/^keyId-/);
    expect(created.body.authKey).toMatch(/^secret-/);
    const listed = await root.call("GET", `${op}/auth_keys`);
    expect(listed.body).toEqual([{ authKeyId: created.body.authKeyId, createDateTime: expect.any(Number) }]);
    expect(listed.text).not.toContain(created.body.authKey);
    const stored = await conflux.services.accountStore.findAuthKey(created.body.authKeyId);
    expect(stored).toMatchObject({
      operatorId: root.operatorId,
      secretHash: hashSecret(created.body.authKey),
    });
    expect(stored).not.toHaveProperty("userName");

    // Used (sign-in records it): the listing shows when, in UNIX seconds.
    await conflux.services.accountStore.touchAuthKey(created.body.authKeyId, 1_800_000_000_500);
    expect((await root.call("GET", `${op}/auth_keys`)).body[0].lastUsedDateTime).toBe(1_800_000_000);

    expect((await root.call("POST", `${op}/auth_keys`)).status).toBe(201);
    const third = await root.call("POST", `${op}/auth_keys`);
    expect(third.status).toBe(400);
    expect(third.body.message).toMatch(/2 auth keys/);
    expect((await root.call("DELETE", `${op}/auth_keys/${created.body.authKeyId}`)).status).toBe(204);
    expect((await root.call("DELETE", `${op}/auth_keys/${created.body.authKeyId}`)).status).toBe(404);
    expect(await conflux.services.accountStore.findAuthKey(created.body.authKeyId)).toBeUndefined();
  });

  it("gives users keys of their own, listed with the user", async () => {
    const created = await root.call("POST", `${op}/users/alice/auth_keys`);
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      authKeyId: expect.stringMatching(/^keyId-/),
      authKey: expect.stringMatching(/^secret-/),
    });
    expect((await root.call("GET", `${op}/users/alice/auth_keys`)).body).toEqual([
      { authKeyId: created.body.authKeyId, createDateTime: expect.any(Number) },
    ]);
    expect((await root.call("GET", `${op}/users/alice`)).body.authKeyList).toHaveLength(1);
    expect((await conflux.services.accountStore.findAuthKey(created.body.authKeyId))?.userName).toBe("alice");
    // A user's key is not the root user's, nor another user's.
    expect((await root.call("DELETE", `${op}/auth_keys/${created.body.authKeyId}`)).status).toBe(404);
    expect((await root.call("DELETE", `${op}/users/bob/auth_keys/${created.body.authKeyId}`)).status).toBe(
      404,
    );
    expect((await root.call("POST", `${op}/users/nobody/auth_keys`)).status).toBe(404);
    expect((await root.call("GET", `${op}/users/nobody/auth_keys`)).status).toBe(404);
    const second = await root.call("POST", `${op}/users/alice/auth_keys`);
    expect((await root.call("DELETE", `${op}/users/alice/auth_keys/${second.body.authKeyId}`)).status).toBe(
      204,
    );
  });
});

describe("a user's calls", () => {
  let alice: ApiSession;

  beforeAll(async () => {
    alice = await userSession(conflux, root.operatorId, "alice");
  });

  it("are allowed by its permission and refused (403) beyond it", async () => {
    expect((await alice.call("GET", "/v1/apps")).status).toBe(200);
    const denied = await alice.call("POST", "/v1/apps", { name: "x", channels: [], actions: [] });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({
      code: "forbidden",
      message: "user alice is not allowed to call App:createApp",
    });
    // Refused before its body is looked at: a wrong body still answers 403.
    expect((await alice.call("POST", "/v1/apps", "not json at all")).status).toBe(403);
    expect((await alice.call("GET", `${op}/users`)).status).toBe(403);
    expect((await alice.call("POST", `${op}/users/mallory`, {})).status).toBe(403);
    expect((await alice.call("POST", `${op}/auth_keys`)).status).toBe(403);
    expect((await alice.call("DELETE", `${op}/tokens`)).status).toBe(403);
  });

  it("count its roles' statements, where a deny wins, and the default permissions", async () => {
    const denyList = JSON.stringify({ statements: [{ effect: "deny", api: "App:listApps" }] });
    await root.call("POST", `${op}/roles/no-listing`, { permission: denyList });
    await root.call("POST", `${op}/users/alice/roles`, { roleId: "no-listing" });
    expect((await alice.call("GET", "/v1/apps")).status).toBe(403);
    await root.call("DELETE", `${op}/users/alice/roles/no-listing`);
    expect((await alice.call("GET", "/v1/apps")).status).toBe(200);

    expect((await alice.call("GET", "/v1/credentials")).status).toBe(403);
    const credentials = JSON.stringify({
      statements: [{ effect: "allow", api: "Credential:listCredentials" }],
    });
    await root.call("PUT", `${op}/users/default_permissions`, { permissions: credentials });
    expect((await alice.call("GET", "/v1/credentials")).status).toBe(200);
    await root.call("DELETE", `${op}/users/default_permissions`);
    expect((await alice.call("GET", "/v1/credentials")).status).toBe(403);

    await root.call("POST", `${op}/users/alice/roles`, { roleId: "writer" });
    expect((await alice.call("GET", `${op}/users`)).status).toBe(200);
    await root.call("DELETE", `${op}/users/alice/roles/writer`);
  });

  it("are evaluated with their path variables", async () => {
    const ownOnly = JSON.stringify({
      statements: [
        { effect: "allow", api: ["App:list*", "App:get*"] },
        { effect: "allow", api: "User:getUser", condition: 'pathVariable("userName") == samUserName' },
      ],
    });
    expect((await root.call("PUT", `${op}/users/alice/permission`, { permission: ownOnly })).status).toBe(
      200,
    );
    expect((await alice.call("GET", `${op}/users/alice`)).status).toBe(200);
    expect((await alice.call("GET", `${op}/users/bob`)).status).toBe(403);
  });

  it("may not touch another operator's path", async () => {
    const other = await signUp(conflux.url);
    for (const session of [root, alice]) {
      const answer = await session.call("GET", `/v1/operators/${other.operatorId}/users`);
      expect(answer.status).toBe(404);
      expect(answer.body.code).toBe("not_found");
    }
    expect((await other.call("GET", `${op}/users/alice`)).status).toBe(404);
  });

  it("tell which API names the caller may call", async () => {
    const apiNames = [
      "App:listApps",
      "App:createApp",
      "User:getUser",
      "Coupon:registerCoupon",
      "Email:listEmails",
    ];
    expect((await root.call("POST", "/v1/auth/permissions/check", { apiNames })).body).toEqual({
      allowed: apiNames,
    });
    // Conditions on path variables do not match without a path.
    expect((await alice.call("POST", "/v1/auth/permissions/check", { apiNames })).body).toEqual({
      allowed: ["App:listApps"],
    });
    await root.call("PUT", `${op}/users/alice/permission`, { permission: everything });
    // Root-only operations are refused to every user, whatever its permission says.
    expect((await alice.call("POST", "/v1/auth/permissions/check", { apiNames })).body).toEqual({
      allowed: ["App:listApps", "App:createApp", "User:getUser"],
    });
    const rootKey = await alice.call("POST", `${op}/auth_keys`);
    expect(rootKey.status).toBe(403);
    expect(rootKey.body.message).toBe(
      "user alice is not allowed to call AuthKey:createOperatorAuthKey (only the root user may)",
    );
    expect((await alice.call("POST", `${op}/users/alice/auth_keys`)).status).toBe(200);
    await root.call("PUT", `${op}/users/alice/permission`, { permission: readApps });
  });

  it("change their own password with the current one, and nobody else's", async () => {
    const own = `${op}/users/alice/password`;
    expect((await alice.call("POST", own, { password: "a new password" })).status).toBe(400);
    const wrong = await alice.call("POST", own, { currentPassword: "not it", newPassword: "a new password" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/currentPassword/);
    expect(
      (
        await alice.call("POST", own, {
          currentPassword: "alice's first password",
          newPassword: "a new password",
        })
      ).status,
    ).toBe(201);
    expect(
      (await alice.call("POST", `${op}/users/bob/password`, { password: "bob's new password" })).status,
    ).toBe(403);
  });

  it("get a fresh token for the session; the old one stays valid", async () => {
    const fresh = await alice.call("POST", `${op}/token`, { tokenTimeoutSeconds: 600 });
    expect(fresh.status).toBe(200);
    expect(Object.keys(fresh.body)).toEqual(["token"]);
    const renewed = { ...alice.headers, "x-conflux-token": fresh.body.token };
    const asRenewed = (method: string, url: string) =>
      fetch(`${conflux.url}${url}`, { method, headers: renewed }).then((answer) => answer.status);
    expect(await asRenewed("GET", "/v1/apps")).toBe(200);
    // Still alice: the fresh token has her permissions, not the root user's.
    expect(await asRenewed("GET", `${op}/users`)).toBe(403);
    expect((await alice.call("GET", "/v1/apps")).status).toBe(200);
    expect((await alice.call("POST", `${op}/token`, { tokenTimeoutSeconds: 10 })).status).toBe(400);

    // Ending the user's tokens ends both.
    expect((await root.call("DELETE", `${op}/users/alice/tokens`)).status).toBe(204);
    expect((await alice.call("GET", "/v1/apps")).status).toBe(401);
    expect(await asRenewed("GET", "/v1/apps")).toBe(401);
    expect((await root.call("DELETE", `${op}/users/nobody/tokens`)).status).toBe(404);
  });

  it("end when the user is deleted, with its keys", async () => {
    const bob = await userSession(conflux, root.operatorId, "bob");
    const key = await root.call("POST", `${op}/users/bob/auth_keys`);
    await root.call("PUT", `${op}/users/bob/permission`, { permission: readApps });
    expect((await bob.call("GET", "/v1/apps")).status).toBe(200);
    expect((await root.call("DELETE", `${op}/users/bob`)).status).toBe(204);
    expect((await bob.call("GET", "/v1/apps")).status).toBe(401);
    expect(await conflux.services.accountStore.findAuthKey(key.body.authKeyId)).toBeUndefined();
    expect((await root.call("GET", `${op}/users/bob`)).status).toBe(404);
  });
});

describe("the root user's tokens", () => {
  it("all end with DELETE /tokens, and a new sign-in works", async () => {
    const second = await logIn(conflux.url, rootEmail);
    const fresh = await root.call("POST", `${op}/token`, {});
    expect(fresh.status).toBe(200);
    expect((await root.call("DELETE", `${op}/tokens`)).status).toBe(204);
    expect((await root.call("GET", "/v1/apps")).status).toBe(401);
    expect((await second.call("GET", "/v1/apps")).status).toBe(401);
    expect(
      (
        await fetch(`${conflux.url}/v1/apps`, {
          headers: { ...root.headers, "x-conflux-token": fresh.body.token },
        })
      ).status,
    ).toBe(401);
    root = await logIn(conflux.url, rootEmail);
    expect((await root.call("GET", `${op}/users/alice`)).status).toBe(200);
  });
});
