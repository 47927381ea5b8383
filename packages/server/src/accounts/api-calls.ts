import { apiNameAmong, type OpenApiDocument, type OpenApiRoute, openApiRoutes } from "@conflux/core";
import type { FastifyInstance } from "fastify";
import { hashSecret, newApiKey, newToken } from "../auth/tokens.ts";
import type { ApiCallAnswer, ApiCallPort, ApiCallRequest } from "../runtime/ports/api-call-port.ts";
import type { AccountStore } from "../store/accounts.ts";
import type { Store } from "../store/store.ts";

/** A call's token outlives the call only if it is not ended (a crash): then for this long at most. */
const callTokenLifetimeMs = 60_000;

/**
 * The `api` action's way into Conflux's own API: `app.inject` (no socket, the same hooks as any client:
 * authentication, rate limits, the permission check, the audit log) with a token of the chosen user
 * that ends with the call. API names come from the OpenAPI document, the one list of them.
 */
export function createApiCallPort(
  api: () => FastifyInstance,
  deps: { store: Store; accounts: AccountStore },
): ApiCallPort {
  let routes: OpenApiRoute[] | undefined;
  const routeNames = () => {
    routes ??= openApiRoutes((api() as unknown as { swagger(): OpenApiDocument }).swagger());
    return routes;
  };
  return {
    forOperator(operatorId) {
      return {
        async apiNameOf(method, path) {
          const pathname = path.split("?")[0] ?? path;
          return apiNameAmong(routeNames(), method, pathname);
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
