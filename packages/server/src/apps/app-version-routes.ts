import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { listSchema, pageOf, pageQuery } from "../api/list-envelope.ts";
import type { ServerConfig } from "../config/config.ts";
import { UserError } from "../errors.ts";
import type { PlanTermsPort } from "../runtime/ports/plan-terms.ts";
import type { VerifiedAddressesPort } from "../runtime/ports/verified-addresses.ts";
import type { Scheduler } from "../runtime/scheduler.ts";
import { type AppVersionStore, versionOrigins } from "../store/app-versions.ts";
import { checkedDefinition, entityTagOf, refuseUnsaved, versionToMatch } from "./app-routes.ts";
import { refuseUnverifiedRecipients } from "./email-recipients.ts";
import { refuseOverPlan } from "./plan-limits.ts";

export interface AppVersionRouteDeps {
  appVersions: AppVersionStore;
  config: ServerConfig;
  scheduler: Scheduler;
  verifiedAddresses: VerifiedAddressesPort;
  planTerms: PlanTermsPort;
}

const appParams = z.object({ appId: z.string().min(1).max(64) });
const versionParams = appParams.extend({ version: z.coerce.number().int().min(1) });
const versionSummary = z.object({
  appId: z.string(),
  version: z.number(),
  createdAt: z.number(),
  origin: z
    .enum(versionOrigins)
    .nullable()
    .describe("what made the version; null for versions from before this was recorded"),
  restoredFrom: z.number().nullable().describe("the version a restore saved again"),
  createdBy: z.string().nullable().describe("the e-mail address of the user whose request made the version"),
});

/** App versions: the definitions an app was saved with, listed, read and restored. */
export async function appVersionRoutes(
  api: FastifyInstance,
  { appVersions, config, scheduler, verifiedAddresses, planTerms }: AppVersionRouteDeps,
) {
  const routes = api.withTypeProvider<ZodTypeProvider>();

  /** The operator's scope, once the app is known to be theirs (404 otherwise, as for the app itself). */
  async function versionsOf(request: Parameters<typeof operatorOf>[0], appId: string) {
    const store = operatorOf(request);
    if (!(await store.getApp(appId))) throw new UserError("not_found", `no app ${appId}`);
    return { store, versions: appVersions.forOperator(store.operatorId) };
  }

  async function versionOf(request: Parameters<typeof operatorOf>[0], appId: string, version: number) {
    const { store, versions } = await versionsOf(request, appId);
    const found = await versions.get(appId, version);
    if (!found) throw new UserError("not_found", `app ${appId} has no version ${version}`);
    return { store, found };
  }

  routes.get(
    "/v1/apps/:appId/versions",
    {
      schema: {
        summary: "List an app's saved versions, newest first, without their definitions",
        tags: ["AppVersion"],
        operationId: "listAppVersions",
        params: appParams,
        querystring: z.object(pageQuery(20, 100)),
        response: { 200: listSchema(versionSummary) },
      },
    },
    async (request) => {
      const { versions } = await versionsOf(request, request.params.appId);
      const { cursor, limit } = request.query;
      const before = cursor === undefined ? undefined : Number(cursor);
      if (before !== undefined && !(Number.isInteger(before) && before >= 1))
        throw new UserError("bad_request", `cursor ${cursor} is not one this list gave`);
      const rows = await versions.list(request.params.appId, {
        ...(before === undefined ? {} : { before }),
        limit: limit + 1,
      });
      return pageOf(rows, limit, (version) => String(version.version));
    },
  );

  routes.get(
    "/v1/apps/:appId/versions/:version",
    {
      schema: {
        summary: "One saved version of an app, with its definition",
        tags: ["AppVersion"],
        operationId: "getAppVersion",
        params: versionParams,
        response: {
          200: versionSummary.extend({
            definition: z.record(z.string(), z.unknown()).describe("the app's definition as saved"),
          }),
        },
      },
    },
    async (request) => (await versionOf(request, request.params.appId, request.params.version)).found,
  );

  routes.post(
    "/v1/apps/:appId/versions/:version/restore",
    {
      schema: {
        summary:
          "Save an earlier version's definition as the app's newest version; with If-Match, only if the app is still at that version",
        tags: ["AppVersion"],
        operationId: "restoreAppVersion",
        params: versionParams,
        headers: z.object({ "if-match": z.string().optional() }),
      },
    },
    async (request, reply) => {
      const { appId, version } = request.params;
      const expectedVersion = versionToMatch(request.headers["if-match"]);
      const { store, found } = await versionOf(request, appId, version);
      // Checked again: what the server accepts may have grown stricter since that version was saved.
      const definition = await checkedDefinition(found.definition, config.limits.maxActionsPerApp);
      await refuseOverPlan(planTerms, store, definition, "existing");
      await refuseUnverifiedRecipients(definition, store.operatorId, verifiedAddresses);
      const app = await store.updateApp(appId, definition, expectedVersion, {
        origin: "restored",
        restoredFrom: version,
        createdBy: request.userEmail,
      });
      if (!app) return refuseUnsaved(store, appId, expectedVersion, "restore the version");
      scheduler.schedule(store.operatorId, app, app.appId);
      reply.header("etag", entityTagOf(app));
      return app;
    },
  );
}
