// Every route of the API document, called by operator B with operator A's ids, answers 404 and shows
// nothing of A; afterwards A's things are all still there. test/tenant-isolation.test.ts covers the
// same ground route by route with the details; this one walks the OpenAPI document so a new route
// cannot be forgotten.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiSession, signUp, startTestConflux, waitForRun } from "../harness.ts";

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let alice: ApiSession;
let bob: ApiSession;
const ids: Record<string, string> = {};
const aliceSecrets = ["alice-secret-token", "alice's private app", "alice-payload-marker"];

beforeAll(async () => {
  conflux = await startTestConflux({ devices: { mqttPort: 0, socketPort: 0 } });
  alice = await signUp(conflux.url);
  bob = await signUp(conflux.url);
  await alice.call("PUT", "/v1/credentials/alice-token", {
    type: "api-token",
    credentials: { token: "alice-secret-token" },
  });
  const app = await alice.call("POST", "/v1/apps", {
    name: "alice's private app",
    channels: [
      { channelId: "in", eventSource: { type: "api", config: {} } },
      { channelId: "sensors", eventSource: { type: "device", config: {} } },
    ],
    actions: [{ actionId: "copy", channelId: "in", type: "republish", config: {} }],
  });
  ids.appId = app.body.appId;
  ids.channelId = "in";
  ids.version = String(app.body.version ?? 1);
  ids.credentialsId = "alice-token";
  const sent = await alice.call("POST", `/v1/apps/${ids.appId}/channels/in/messages`, {
    marker: "alice-payload-marker",
  });
  ids.runId = sent.body.executionId;
  await waitForRun(alice, app.body.appId, sent.body.executionId);
  const webhook = await alice.call("POST", `/v1/apps/${ids.appId}/channels/in/incoming_webhooks`, {});
  ids.webhookId = webhook.body.webhookId;
  const group = await alice.call("POST", "/v1/device_groups", {
    name: "alice's group",
    config: { binding: { appId: ids.appId, channelId: "sensors" }, keepData: true, binaryParser: null },
  });
  if (group.status !== 201) throw new Error(`group: ${group.text}`);
  ids.groupId = group.body.groupId;
  const device = await alice.call("POST", "/v1/devices", { name: "alice's device", groupId: ids.groupId });
  ids.deviceId = device.body.deviceId;
  const command = await alice.call("POST", `/v1/devices/${ids.deviceId}/commands`, { payload: { on: true } });
  ids.commandId = command.body.commandId;
  await alice.call("PUT", "/v1/files/alice/notes.txt", "alice-payload-marker");
  ids["*"] = "alice/notes.txt";
  ids.operatorId = alice.operatorId;
  const users = `/v1/operators/${alice.operatorId}`;
  await alice.call("POST", `${users}/users/alice-user`, { description: "alice's private app" });
  ids.userName = "alice-user";
  await alice.call("POST", `${users}/roles/alice-role`, { permission: '{"statements":[]}' });
  await alice.call("POST", `${users}/users/alice-user/roles`, { roleId: "alice-role" });
  ids.roleId = "alice-role";
  // Any id: a path of A's operator is refused to B before the id is looked up.
  ids.emailId = "alice-email";
  ids.authKeyId = (await alice.call("POST", `${users}/users/alice-user/auth_keys`)).body.authKeyId;
  ids.emailId = (
    await alice.call("POST", `${users}/emails`, { email: "alice-alerts@example.com" })
  ).body.emailId;
  // Both partners, so B's partner routes look A's customer up (a non-partner is refused first, 403).
  await conflux.services.partners.setPartner(alice.operatorId, true);
  await conflux.services.partners.setPartner(bob.operatorId, true);
  const customer = await alice.call("POST", "/v1/partner/customers", {
    email: "alice-customer@example.com",
    password: "alice's customer password",
  });
  ids.customerOperatorId = customer.body.operatorId;
});

afterAll(async () => {
  await conflux?.cleanUp();
});

/** Bodies that pass validation, so the answer comes from the lookup of A's id, not from the schema. */
const validBodies: Record<string, unknown> = {
  "put /v1/apps/{appId}": { name: "mine now", channels: [], actions: [] },
  "put /v1/device_groups/{groupId}": { name: "mine now", config: {} },
};

/** Routes that take no id of A's (public, or naming only the caller's own things) are not walked. */
function takesAnIdOfA(path: string): boolean {
  if (!path.includes("{")) return false;
  // Public routes authenticate by a secret, a device secret or a signature, not by the caller's key;
  // the provider's routes refuse every operator (security/route-permissions.test.ts); an invoice's
  // month names the caller's own invoice of that month.
  return !/^\/v1\/(flux\/incoming_webhooks|signed|devices\/\{deviceId\}\/data|provider\/|invoices\/)/.test(
    path,
  );
}

describe("operator B with operator A's ids", () => {
  it("every route answers 404 and shows nothing of A", async () => {
    const document = (await (await fetch(`${conflux.url}/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const walked: string[] = [];
    const refusedOtherwise: string[] = [];
    for (const [template, operations] of Object.entries(document.paths)) {
      if (!takesAnIdOfA(template)) continue;
      const url = template.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
        const id = ids[name];
        if (id === undefined) throw new Error(`no id of A for {${name}} in ${template}`);
        return name === "*" ? id : encodeURIComponent(id);
      });
      for (const method of Object.keys(operations)) {
        // PUT of a credential or a file names B's own (per-operator names): checked below instead.
        if (method === "put" && /credentials|files/.test(template)) continue;
        const body = ["post", "put"].includes(method)
          ? (validBodies[`${method} ${template}`] ?? {})
          : undefined;
        const answer = await bob.call(method.toUpperCase(), url, body);
        walked.push(`${method} ${template}`);
        if (answer.status !== 404)
          refusedOtherwise.push(`${method.toUpperCase()} ${template}: ${answer.status} ${answer.text}`);
        for (const secret of aliceSecrets) expect(answer.text).not.toContain(secret);
      }
    }
    expect(refusedOtherwise).toEqual([]);
    expect(walked.length).toBeGreaterThan(20);
  });

  it("B's credential and file of the same names are B's own; A's are untouched", async () => {
    expect((await bob.call("PUT", "/v1/files/alice/notes.txt", "bob's text")).status).toBeLessThan(300);
    expect((await alice.call("GET", "/v1/files/alice/notes.txt")).text).toBe("alice-payload-marker");
    for (const url of [
      `/v1/apps/${ids.appId}`,
      `/v1/apps/${ids.appId}/runs/${ids.runId}`,
      `/v1/device_groups/${ids.groupId}`,
      `/v1/devices/${ids.deviceId}`,
      `/v1/devices/${ids.deviceId}/commands/${ids.commandId}`,
    ])
      expect((await alice.call("GET", url)).status, url).toBe(200);
    const hooks = await alice.call("GET", `/v1/apps/${ids.appId}/channels/in/incoming_webhooks`);
    expect(hooks.body.items).toHaveLength(1);
    expect((await alice.call("GET", "/v1/credentials")).text).toContain("alice-token");
    const user = await alice.call("GET", `/v1/operators/${alice.operatorId}/users/alice-user`);
    expect(user.body.roleList.map((role: { roleId: string }) => role.roleId)).toEqual(["alice-role"]);
    expect(user.body.authKeyList.map((key: { authKeyId: string }) => key.authKeyId)).toEqual([ids.authKeyId]);
  });
});
