import type { FastifyInstance } from "fastify";
import { hashSecret, newApiKey, newToken } from "../auth/tokens.ts";
import type { ApiCallAnswer, ApiCallPort, ApiCallRequest } from "../runtime/ports/api-call-port.ts";
import type { AccountStore } from "../store/accounts.ts";
import type { Store } from "../store/store.ts";

/** A call's token outlives the call only if it is not ended (a crash): then for this long at most. */
const callTokenLifetimeMs = 60_000;

interface RouteName {
  method: string;
  pattern: RegExp;
  apiName: string;
  /** Literal routes win over ones with parameters (`/v1/apps/import` over `/v1/apps/{appId}`). */
  parameters: number;
}

interface OpenApiOperation {
  operationId?: string;
  tags?: string[];
}

/** Every route of the OpenAPI document with its API name (`<tag>:<operationId>`), most literal first. */
function routeNamesOf(document: { paths?: Record<string, Record<string, OpenApiOperation>> }): RouteName[] {
  const routes: RouteName[] = [];
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    const source = path
      .split("/")
      .map((part) =>
        part === "{*}" || part === "*"
          ? ".*"
          : part.startsWith("{")
            ? "[^/]+"
            : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
      )
      .join("/");
    const parameters = path.split("{").length - 1;
    for (const [method, operation] of Object.entries(operations)) {
      const tag = operation.tags?.[0];
      if (!tag || !operation.operationId) continue;
      routes.push({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${source}$`),
        apiName: `${tag}:${operation.operationId}`,
        parameters,
      });
    }
  }
  return routes.sort((a, b) => a.parameters - b.parameters);
}

/**
 * The `api` action's way into Conflux's own API: `app.inject` (no socket, the same hooks as any client:
 * authentication, rate limits, the permission check, the audit log) with a token of the chosen user
 * that ends with the call. API names come from the OpenAPI document, the one list of them.
 */
export function createApiCallPort(
  api: () => FastifyInstance,
  deps: { store: Store; accounts: AccountStore },
): ApiCallPort {
  let routes: RouteName[] | undefined;
  const routeNames = () => {
    routes ??= routeNamesOf(
      (api() as unknown as { swagger(): Parameters<typeof routeNamesOf>[0] }).swagger(),
    );
    return routes;
  };
  return {
    forOperator(operatorId) {
      return {
        async apiNameOf(method, path) {
          const pathname = path.split("?")[0] ?? path;
          return routeNames().find((route) => route.method === method && route.pattern.test(pathname))
            ?.apiName;
        },
        async callAs(userName: string, request: ApiCallRequest): Promise<ApiCallAnswer | undefined> {
          if ((await deps.accounts.forOperator(operatorId).passwordHashOf(userName)) === undefined)
            return undefined;
          const credentials = { apiKey: newApiKey(), token: newToken() };
          const tokenHash = hashSecret(credentials.token);
          await deps.store.saveToken(tokenHash, {
            apiKey: credentials.apiKey,
            operatorId,
            userName,
            expiresAt: Date.now() + callTokenLifetimeMs,
          });
          try {
            const response = await api().inject({
              method: request.method as "GET",
              url: request.path,
              headers: {
                "x-conflux-api-key": credentials.apiKey,
                "x-conflux-token": credentials.token,
                ...(request.body === undefined ? {} : { "content-type": "application/json" }),
              },
              ...(request.body === undefined ? {} : { payload: JSON.stringify(request.body) }),
            });
            const contentType = response.headers["content-type"];
            return {
              statusCode: response.statusCode,
              contentType: typeof contentType === "string" ? contentType : undefined,
              body: response.body,
            };
          } finally {
            await deps.store.deleteToken(tokenHash, credentials.apiKey);
          }
        },
      };
    },
  };
}
