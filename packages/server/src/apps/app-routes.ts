import {
  type App,
  type AppDefinition,
  type AppProblem,
  jsonTextNestsDeeperThan,
  jsonValueNestsDeeperThan,
  redactedValue,
  toPortableApp,
  validateApp,
} from "@conflux/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { ulid } from "ulid";
import YAML from "yaml";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { wholeList } from "../api/list-envelope.ts";
import type { ServerConfig } from "../config/config.ts";
import { UserError } from "../errors.ts";
import type { PlanTermsPort } from "../runtime/ports/plan-terms.ts";
import type { VerifiedAddressesPort } from "../runtime/ports/verified-addresses.ts";
import type { Scheduler } from "../runtime/scheduler.ts";
import { checkUserCodeSyntax } from "../sandbox/quickjs.ts";
import type { OperatorStore } from "../store/store.ts";
import { importOptionsSchema, planImport } from "./app-import.ts";
import { refuseUnverifiedRecipients } from "./email-recipients.ts";
import { refuseOverPlan } from "./plan-limits.ts";

/** What the app routes are given by the root. */
export interface AppRouteDeps {
  config: ServerConfig;
  scheduler: Scheduler;
  verifiedAddresses: VerifiedAddressesPort;
  /** The operator's plan: its limits on apps and actions, and its plan-only features. */
  planTerms: PlanTermsPort;
}

const appParams = z.object({ appId: z.string().min(1).max(64) });
const yamlTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];

/** An app's version as an HTTP entity tag: what a client sends back in If-Match to save on that version. */
export function entityTagOf(app: App): string {
  return `"${app.version}"`;
}

/** The version an `If-Match` header names (`"3"`, `W/"3"` or `3`); undefined when absent or `*`. */
export function versionToMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === "*") return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!match?.[1])
    throw new UserError(
      "bad_request",
      `If-Match must name one app version, like "3"; got ${header.slice(0, 64)}`,
    );
  return Number(match[1]);
}

/**
 * Why a save came back without an app: the app is gone (404), or it was saved since the version the
 * client named in If-Match (412, with the version it is at now). `then` says what to do after reloading.
 */
export async function refuseUnsaved(
  store: OperatorStore,
  appId: string,
  expectedVersion: number | undefined,
  then: string,
): Promise<never> {
  const current = expectedVersion === undefined ? undefined : await store.getApp(appId);
  if (!current) throw new UserError("not_found", `no app ${appId}`);
  throw new UserError(
    "precondition_failed",
    `app ${appId} was saved elsewhere since version ${expectedVersion}: it is at version ${current.version} now. Load it again, then ${then}.`,
  );
}

function refuse(problems: AppProblem[]): never {
  const [first] = problems;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : "";
  throw new UserError("validation_failed", `${first?.message}${more}`, problems);
}

/** Syntax errors of the code actions' sources, read from the app as it came. */
async function checkCodeSources(input: unknown): Promise<AppProblem[]> {
  const actions = (input as { actions?: unknown } | null)?.actions;
  if (!Array.isArray(actions)) return [];
  const problems: AppProblem[] = [];
  for (const [index, action] of actions.entries()) {
    const source = action?.config?.source;
    if (action?.type !== "code" || typeof source !== "string") continue;
    const error = await checkUserCodeSyntax(source);
    if (error)
      problems.push({
        path: `actions.${index}.config.source`,
        message: `config.source of action '${action.name || action.actionId}': ${error.message}`,
      });
  }
  return problems;
}

/**
 * Validates an app as saved: shape, expression syntax with column, dangling channel ids, code that
 * compiles; a refusal lists every problem found.
 */
export async function checkedDefinition(input: unknown, maxActions: number): Promise<AppDefinition> {
  const validation = validateApp(input, { maxActions });
  const problems = [...(validation.ok ? [] : validation.problems), ...(await checkCodeSources(input))];
  if (!validation.ok || problems.length) return refuse(problems);
  return validation.app;
}

function parseImport(body: unknown, contentType: string | undefined, maxDepth: number): unknown {
  const tooDeep = () =>
    new UserError("bad_request", `the app is nested deeper than ${maxDepth} levels, the limit`);
  let parsed = body;
  if (typeof body === "string") {
    // The YAML parser recurses per level of a flow collection ([[[…): the brackets are counted first.
    // Its warnings (an unknown tag) would go to the process's warnings, one per hostile import: not logged.
    if (jsonTextNestsDeeperThan(body, maxDepth)) throw tooDeep();
    try {
      parsed = yamlTypes.some((type) => contentType?.startsWith(type))
        ? YAML.parse(body, { maxAliasCount: 100, logLevel: "error" })
        : JSON.parse(body);
    } catch (error) {
      throw new UserError(
        "bad_request",
        `the app is neither valid JSON nor YAML: ${(error as Error).message}`,
      );
    }
  }
  if (jsonValueNestsDeeperThan(parsed, maxDepth)) throw tooDeep();
  return parsed;
}

/** Apps: create, read, update, delete, import and export (JSON and YAML). */
export async function appRoutes(
  api: FastifyInstance,
  { config, scheduler, verifiedAddresses, planTerms }: AppRouteDeps,
): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const maxActions = config.limits.maxActionsPerApp;
  api.addContentTypeParser(yamlTypes, { parseAs: "string" }, (_request, body, done) => done(null, body));

  async function create(request: FastifyRequest, definition: AppDefinition, origin: "created" | "imported") {
    const store = operatorOf(request);
    await refuseUnverifiedRecipients(definition, store.operatorId, verifiedAddresses);
    const app = await store.createApp(ulid(), definition, { origin, createdBy: request.userEmail });
    scheduler.schedule(store.operatorId, app, app.appId);
    return app;
  }

  routes.get(
    "/v1/apps",
    {
      schema: {
        summary: "List apps, in one page: {items, nextCursor: null}",
        tags: ["App"],
        operationId: "listApps",
      },
    },
    async (request) => wholeList(await operatorOf(request).listApps()),
  );

  routes.post(
    "/v1/apps",
    { schema: { summary: "Create an app", tags: ["App"], operationId: "createApp", body: z.unknown() } },
    async (request, reply) => {
      const definition = await checkedDefinition(request.body, maxActions);
      await refuseOverPlan(planTerms, operatorOf(request), definition, "new");
      return reply.status(201).send(await create(request, definition, "created"));
    },
  );

  routes.post(
    "/v1/apps/import",
    {
      schema: {
        summary:
          "Import an app exported from Conflux or SORACOM Flux (JSON, or YAML with a YAML content type); " +
          "dryRun=true checks it and saves nothing, enabled=false imports it turned off, " +
          "mode=replace saves it as the next version of the app it names",
        tags: ["App"],
        operationId: "importApp",
        querystring: importOptionsSchema,
        body: z.unknown(),
      },
    },
    async (request, reply) => {
      const store = operatorOf(request);
      const input = parseImport(request.body, request.headers["content-type"], config.limits.maxJsonDepth);
      const definition = await checkedDefinition(input, maxActions);
      const {
        replaces,
        definition: planned,
        notes,
      } = await planImport(store, input, definition, request.query);
      await refuseOverPlan(planTerms, store, planned, replaces ? "existing" : "new");
      if (request.query.dryRun) return { dryRun: true, appId: replaces?.appId ?? null, app: planned, notes };
      if (!replaces)
        return reply.status(201).send({ ...(await create(request, planned, "imported")), notes });
      await refuseUnverifiedRecipients(planned, store.operatorId, verifiedAddresses);
      const app = await store.updateApp(replaces.appId, planned, undefined, {
        origin: "imported",
        createdBy: request.userEmail,
      });
      if (!app) throw new UserError("not_found", `no app ${replaces.appId} in this account to replace`);
      scheduler.schedule(store.operatorId, app, app.appId);
      reply.header("etag", entityTagOf(app));
      return { ...app, notes };
    },
  );

  routes.get(
    "/v1/apps/:appId",
    {
      schema: {
        summary: "Get an app (its ETag is its version)",
        tags: ["App"],
        operationId: "getApp",
        params: appParams,
      },
    },
    async (request, reply) => {
      const app = await operatorOf(request).getApp(request.params.appId);
      if (!app) throw new UserError("not_found", `no app ${request.params.appId}`);
      reply.header("etag", entityTagOf(app));
      return app;
    },
  );

  routes.get(
    "/v1/apps/:appId/export",
    {
      schema: {
        summary: `Export an app as JSON or YAML in SORACOM Flux's shape; secrets read ${redactedValue} unless includeSecrets=true`,
        tags: ["App"],
        operationId: "exportApp",
        params: appParams,
        querystring: z.object({
          format: z.enum(["json", "yaml"]).default("json"),
          /** Without it, secrets in action configs (a Slack URL, an Authorization header) read `<redacted>`. */
          includeSecrets: z.stringbool().default(false),
        }),
      },
    },
    async (request, reply) => {
      const app = await operatorOf(request).getApp(request.params.appId);
      if (!app) throw new UserError("not_found", `no app ${request.params.appId}`);
      const exported = toPortableApp(app, { includeSecrets: request.query.includeSecrets });
      const filename = `${app.name.replace(/[^\w.-]+/g, "_") || app.appId}.${request.query.format}`;
      reply.header("content-disposition", `attachment; filename="${filename}"`);
      if (request.query.format === "yaml")
        return reply.type("application/yaml").send(YAML.stringify(exported));
      return reply.type("application/json").send(JSON.stringify(exported, null, 2));
    },
  );

  routes.put(
    "/v1/apps/:appId",
    {
      schema: {
        summary: "Replace an app's definition; with If-Match, only if the app is still at that version",
        tags: ["App"],
        operationId: "updateApp",
        params: appParams,
        headers: z.object({ "if-match": z.string().optional() }),
        body: z.unknown(),
      },
    },
    async (request, reply) => {
      const store = operatorOf(request);
      const { appId } = request.params;
      const expectedVersion = versionToMatch(request.headers["if-match"]);
      const definition = await checkedDefinition(request.body, maxActions);
      await refuseOverPlan(planTerms, store, definition, "existing");
      await refuseUnverifiedRecipients(definition, store.operatorId, verifiedAddresses);
      const app = await store.updateApp(appId, definition, expectedVersion, {
        origin: "saved",
        createdBy: request.userEmail,
      });
      if (!app) return refuseUnsaved(store, appId, expectedVersion, "save your changes");
      scheduler.schedule(store.operatorId, app, app.appId);
      reply.header("etag", entityTagOf(app));
      return app;
    },
  );

  routes.delete(
    "/v1/apps/:appId",
    {
      schema: {
        summary: "Delete an app (its history is kept until retention ends)",
        tags: ["App"],
        operationId: "deleteApp",
        params: appParams,
      },
    },
    async (request, reply) => {
      const store = operatorOf(request);
      if (!(await store.deleteApp(request.params.appId)))
        throw new UserError("not_found", `no app ${request.params.appId}`);
      scheduler.schedule(store.operatorId, undefined, request.params.appId);
      return reply.status(204).send();
    },
  );
}
