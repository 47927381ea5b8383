// Every operation of the API document has an API name, and a user without permissions is refused
// (403) on each one that needs a token, so no route is left open by accident. test/accounts.test.ts
// covers allowed calls in detail.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiSession, signUp, startTestConflux } from "../harness.ts";
import { userSession } from "../user-session.ts";

/** Operations anyone may call: they authenticate by a password, a secret, a device or a signature. */
const openOperations = new Set([
  "Operator:createOperator",
  "Auth:auth",
  // The studio's sign-in, and a partner's return to its own session: the partner's cookie proves it.
  "Auth:createSession",
  "Auth:switchBack",
  "Auth:logout",
  "Auth:issuePasswordResetToken",
  "Auth:verifyPasswordResetToken",
  "Email:verifyAddEmailToken",
  "IncomingWebhook:receiveIncomingWebhook",
  "IncomingWebhook:receiveIncomingWebhookBySecret",
  "DataEntry:ingestDeviceData",
  "FileEntry:getSignedFile",
  "Provider:providerAuth",
  // The provider console's sign-in: as providerAuth, into its cookie.
  "Provider:createProviderSession",
]);

/** Operations every signed-in caller may make on its own session. */
const anyCallerOperations = new Set([
  "Auth:generateAuthToken",
  "Auth:checkPermissions",
  // Notices show on every console page, whatever the user may do.
  "Notice:listNotices",
]);

let conflux: Awaited<ReturnType<typeof startTestConflux>>;
let root: ApiSession;
let powerless: ApiSession;

beforeAll(async () => {
  conflux = await startTestConflux();
  root = await signUp(conflux.url);
  await root.call("POST", `/v1/operators/${root.operatorId}/users/powerless`, {});
  powerless = await userSession(conflux, root.operatorId, "powerless");
});
afterAll(async () => conflux?.cleanUp());

interface Operation {
  tags?: string[];
  operationId?: string;
}

async function operations(): Promise<Array<{ method: string; template: string; operation: Operation }>> {
  const document = (await (await fetch(`${conflux.url}/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, Operation>>;
  };
  return Object.entries(document.paths).flatMap(([template, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({ method, template, operation })),
  );
}

function urlOf(template: string): string {
  return template.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    if (name === "operatorId") return root.operatorId;
    if (name === "*") return "some/file.txt";
    return "someone-else";
  });
}

/** The provider's console: its administrators' routes, walked by the last test. */
function isProviderOperation(template: string): boolean {
  return template.startsWith("/v1/provider/");
}

describe("every operation of the API document", () => {
  it("has an API name of its own: a PascalCase group and a camelCase operationId", async () => {
    const all = await operations();
    expect(all.length).toBeGreaterThan(60);
    const names = all.map(({ method, template, operation }) => {
      expect(operation.tags?.[0], `${method} ${template}`).toMatch(/^[A-Z][A-Za-z]*$/);
      expect(operation.operationId, `${method} ${template}`).toMatch(/^[a-z][A-Za-z]*$/);
      return `${operation.tags?.[0]}:${operation.operationId}`;
    });
    expect(new Set(names).size).toBe(names.length);
    for (const name of [...openOperations, ...anyCallerOperations]) expect(names).toContain(name);
  });

  it("is refused to a user without permissions (403), and to a caller without a token (401)", async () => {
    const leftOpen: string[] = [];
    let refused = 0;
    for (const { method, template, operation } of await operations()) {
      const apiName = `${operation.tags?.[0]}:${operation.operationId}`;
      if (openOperations.has(apiName) || isProviderOperation(template)) continue;
      const url = urlOf(template);
      const body = ["post", "put", "patch"].includes(method) ? {} : undefined;
      const anonymous = await fetch(`${conflux.url}${url}`, { method: method.toUpperCase() });
      if (anonymous.status !== 401) leftOpen.push(`${apiName} without a token: ${anonymous.status}`);
      const answer = await powerless.call(method.toUpperCase(), url, body);
      if (anyCallerOperations.has(apiName)) {
        expect(answer.status, apiName).not.toBe(403);
        continue;
      }
      const refusal = `user powerless is not allowed to call ${apiName}`;
      if (answer.status !== 403 || !String(answer.body.message).startsWith(refusal))
        leftOpen.push(`${apiName} (${method.toUpperCase()} ${template}): ${answer.status} ${answer.text}`);
      refused++;
    }
    expect(leftOpen).toEqual([]);
    expect(refused).toBeGreaterThan(50);
  });

  it("of the provider's console is refused (401) to operators, root included, and to callers without a token", async () => {
    const reached: string[] = [];
    let walked = 0;
    for (const { method, template, operation } of await operations()) {
      if (!isProviderOperation(template)) continue;
      const apiName = `${operation.tags?.[0]}:${operation.operationId}`;
      if (openOperations.has(apiName)) continue;
      const url = urlOf(template);
      const body = ["post", "put", "patch"].includes(method) ? {} : undefined;
      for (const [who, session] of [
        ["root", root],
        ["a user", powerless],
      ] as const) {
        const answer = await session.call(method.toUpperCase(), url, body);
        if (answer.status !== 401) reached.push(`${who}: ${apiName} ${answer.status}`);
      }
      const anonymous = await fetch(`${conflux.url}${url}`, { method: method.toUpperCase() });
      if (anonymous.status !== 401) reached.push(`no token: ${apiName} ${anonymous.status}`);
      walked++;
    }
    expect(reached).toEqual([]);
    expect(walked).toBeGreaterThan(2);
  });
});
