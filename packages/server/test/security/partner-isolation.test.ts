// Partners [ToS 8]: partner P has customers C1 and C2. Walking every route of the API document,
// C1's own session and a session P switched into C1 are each called with C2's ids and with P's:
// every answer is 404 (partner routes: 403, C1 is no partner) and shows nothing of C2 or P.
// Routes without ids show the switched session C1's things only. cross-tenant-routes.test.ts
// walks the same document for two unrelated operators.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ApiSession,
  logIn,
  sessionFor,
  signUp,
  startTestConflux,
  testPassword,
  waitForRun,
} from "../harness.ts";
import { providerSession } from "../provider-session.ts";

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let partner: ApiSession;
let c1: ApiSession;
let c2: ApiSession;
let switched: ApiSession;

/** Someone's ids by path variable name, and the texts of theirs no other operator may see. */
interface Things {
  ids: Record<string, string>;
  secrets: string[];
}
const things: Record<"c2" | "partner" | "c1", Things> = {
  c2: { ids: {}, secrets: [] },
  partner: { ids: {}, secrets: [] },
  c1: { ids: {}, secrets: [] },
};

/** One of each thing a route can name, marked with `label` so answers can be searched for it. */
async function seed(session: ApiSession, label: string): Promise<Things> {
  const secret = `${label}-secret-marker`;
  const ids: Record<string, string> = { operatorId: session.operatorId, channelId: "in" };
  await session.call("PUT", `/v1/credentials/${label}-token`, {
    type: "api-token",
    credentials: { token: secret },
  });
  ids.credentialsId = `${label}-token`;
  const app = await session.call("POST", "/v1/apps", {
    name: `${label}'s private app`,
    channels: [
      { channelId: "in", eventSource: { type: "api", config: {} } },
      { channelId: "sensors", eventSource: { type: "device", config: {} } },
    ],
    actions: [{ actionId: "copy", channelId: "in", type: "republish", config: {} }],
  });
  if (app.status !== 201) throw new Error(`app: ${app.text}`);
  ids.appId = app.body.appId;
  ids.version = String(app.body.version ?? 1);
  const sent = await session.call("POST", `/v1/apps/${ids.appId}/channels/in/messages`, { marker: secret });
  ids.runId = sent.body.executionId;
  await waitForRun(session, ids.appId as string, sent.body.executionId);
  ids.webhookId = (
    await session.call("POST", `/v1/apps/${ids.appId}/channels/in/incoming_webhooks`, {})
  ).body.webhookId;
  const group = await session.call("POST", "/v1/device_groups", {
    name: `${label}'s group`,
    config: { binding: { appId: ids.appId, channelId: "sensors" }, keepData: true, binaryParser: null },
  });
  if (group.status !== 201) throw new Error(`group: ${group.text}`);
  ids.groupId = group.body.groupId;
  ids.deviceId = (
    await session.call("POST", "/v1/devices", { name: `${label}'s device`, groupId: ids.groupId })
  ).body.deviceId;
  ids.commandId = (
    await session.call("POST", `/v1/devices/${ids.deviceId}/commands`, { payload: { on: true } })
  ).body.commandId;
  await session.call("PUT", `/v1/files/${label}/notes.txt`, secret);
  ids["*"] = `${label}/notes.txt`;
  const op = `/v1/operators/${session.operatorId}`;
  await session.call("POST", `${op}/users/${label}-user`, { description: `${label}'s private app` });
  ids.userName = `${label}-user`;
  await session.call("POST", `${op}/roles/${label}-role`, { permission: '{"statements":[]}' });
  await session.call("POST", `${op}/users/${label}-user/roles`, { roleId: `${label}-role` });
  ids.roleId = `${label}-role`;
  ids.authKeyId = (await session.call("POST", `${op}/users/${label}-user/auth_keys`)).body.authKeyId;
  ids.emailId = (
    await session.call("POST", `${op}/emails`, { email: `${label}-alerts@example.com` })
  ).body.emailId;
  return { ids, secrets: [secret, `${label}'s private app`, `${label}-alerts@example.com`] };
}

async function createCustomer(): Promise<ApiSession> {
  const email = `customer-${Math.random().toString(36).slice(2)}@example.com`;
  const created = await partner.call("POST", "/v1/partner/customers", { email, password: testPassword });
  if (created.status !== 201) throw new Error(`customer: ${created.text}`);
  return logIn(conflux.url, email);
}

beforeAll(async () => {
  conflux = await startTestConflux();
  partner = await signUp(conflux.url);
  const provider = await providerSession(conflux);
  await provider.call("PUT", `/v1/provider/operators/${partner.operatorId}/partner`, { partner: true });
  c1 = await createCustomer();
  c2 = await createCustomer();
  things.c2 = await seed(c2, "c2");
  things.partner = await seed(partner, "partner");
  things.c1 = await seed(c1, "c1");
  // A partner route naming a customer: C2 is P's customer, which C1 must not learn either.
  things.c2.ids.customerOperatorId = c2.operatorId;
  things.partner.ids.customerOperatorId = c2.operatorId;
  const answer = await partner.call("POST", "/v1/auth/switch_user", { operatorId: c1.operatorId });
  if (answer.status !== 200) throw new Error(`switch: ${answer.text}`);
  switched = sessionFor(conflux.url, answer.body);
});
afterAll(async () => conflux?.cleanUp());

/** Bodies that pass validation, so the answer comes from the lookup of the id, not from the schema. */
const validBodies: Record<string, unknown> = {
  "put /v1/apps/{appId}": { name: "mine now", channels: [], actions: [] },
  "put /v1/device_groups/{groupId}": { name: "mine now", config: {} },
};

async function apiDocument(): Promise<Record<string, Record<string, { tags?: string[] }>>> {
  return ((await (await fetch(`${conflux.url}/v1/openapi.json`)).json()) as { paths: any }).paths;
}

/**
 * Public routes authenticate by a secret, a device or a signature, not by the caller's key; the
 * provider's routes refuse every operator (security/route-permissions.test.ts); an invoice's month
 * names the caller's own invoice of that month.
 */
function isPublic(template: string): boolean {
  return /^\/v1\/(flux\/incoming_webhooks|signed|devices\/\{deviceId\}\/data|provider\/|invoices\/)/.test(
    template,
  );
}

/** Calls every route naming an id of `owner` as `caller`; returns what did not answer as expected. */
async function walk(caller: ApiSession, owner: Things): Promise<{ walked: number; wrong: string[] }> {
  const wrong: string[] = [];
  let walked = 0;
  for (const [template, operations] of Object.entries(await apiDocument())) {
    if (!template.includes("{") || isPublic(template)) continue;
    const url = template.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
      const id = owner.ids[name];
      if (id === undefined) throw new Error(`no id for {${name}} in ${template}`);
      return name === "*" ? id : encodeURIComponent(id);
    });
    for (const [method, operation] of Object.entries(operations)) {
      // PUT of a credential or a file names the caller's own (per-operator names).
      if (method === "put" && /credentials|files/.test(template)) continue;
      const body = ["post", "put"].includes(method)
        ? (validBodies[`${method} ${template}`] ?? {})
        : undefined;
      const answer = await caller.call(method.toUpperCase(), url, body);
      walked++;
      const expected = operation.tags?.[0] === "Partner" ? 403 : 404;
      if (answer.status !== expected)
        wrong.push(`${method.toUpperCase()} ${template}: ${answer.status} ${answer.text}`);
      for (const secret of owner.secrets)
        if (answer.text.includes(secret)) wrong.push(`${method.toUpperCase()} ${template} shows ${secret}`);
    }
  }
  return { walked, wrong };
}

describe.each([
  ["C1's own session", () => c1],
  ["a session P switched into C1", () => switched],
])("%s", (_name, caller) => {
  it.each([
    ["C2", () => things.c2],
    ["P", () => things.partner],
  ])("answers 404 on every route with %s's ids, showing nothing of them", async (_owner, owner) => {
    const { walked, wrong } = await walk(caller(), owner());
    expect(wrong).toEqual([]);
    expect(walked).toBeGreaterThan(20);
  });

  it("sees only C1's things on the routes without ids", async () => {
    const others = [...things.c2.secrets, ...things.partner.secrets];
    let read = 0;
    for (const [template, operations] of Object.entries(await apiDocument())) {
      if (template.includes("{") || !("get" in operations) || template.startsWith("/v1/provider/")) continue;
      const answer = await caller().call("GET", template);
      read++;
      for (const secret of others) expect(answer.text, `GET ${template}`).not.toContain(secret);
    }
    expect(read).toBeGreaterThan(5);
    const apps = await caller().call("GET", "/v1/apps");
    expect(apps.body.items.map((app: { name: string }) => app.name)).toEqual(["c1's private app"]);
    expect((await caller().call("GET", "/v1/credentials")).text).toContain("c1-token");
  });

  it("cannot switch into C2 or P, nor use the partner routes", async () => {
    for (const operatorId of [c2.operatorId, partner.operatorId, c1.operatorId]) {
      const answer = await caller().call("POST", "/v1/auth/switch_user", { operatorId });
      expect(answer.status).toBe(403);
    }
    const create = await caller().call("POST", "/v1/partner/customers", {
      email: "sneaky@example.com",
      password: testPassword,
    });
    expect(create.status).toBe(403);
    expect((await caller().call("GET", "/v1/partner/customers")).status).toBe(403);
  });
});

describe("after the walks", () => {
  it("C2's and P's things are all still there", async () => {
    for (const [session, owner] of [
      [c2, things.c2],
      [partner, things.partner],
    ] as const) {
      const { ids } = owner;
      for (const url of [
        `/v1/apps/${ids.appId}`,
        `/v1/apps/${ids.appId}/runs/${ids.runId}`,
        `/v1/device_groups/${ids.groupId}`,
        `/v1/devices/${ids.deviceId}`,
        `/v1/devices/${ids.deviceId}/commands/${ids.commandId}`,
        `/v1/files/${ids["*"]}`,
        `/v1/operators/${session.operatorId}/users/${ids.userName}`,
      ])
        expect((await session.call("GET", url)).status, url).toBe(200);
      expect((await session.call("GET", "/v1/credentials")).text).toContain(ids.credentialsId);
    }
    expect((await partner.call("GET", "/v1/partner/customers")).body.items).toHaveLength(2);
  });
});
