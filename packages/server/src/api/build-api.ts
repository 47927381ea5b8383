import compress from "@fastify/compress";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import type { ServerConfig } from "../config/config.ts";
import type { AccountStore } from "../store/accounts.ts";
import type { ApiRateLimiter } from "../store/api-rate-windows.ts";
import type { AuditLogStore } from "../store/audit-logs.ts";
import type { ProviderStore } from "../store/provider.ts";
import type { Store } from "../store/store.ts";
import { requireApiNames } from "./api-name.ts";
import { auditChanges } from "./audit-hook.ts";
import { requireOperator } from "./authenticate.ts";
import { requireKnownOperator, requireProviderAdmin } from "./authenticate-provider.ts";
import { PermissionChecker, requirePermission } from "./authorize.ts";
import { registerErrorHandler } from "./error-handler.ts";
import { refuseDeepJson } from "./json-body.ts";
import { limitApiCalls } from "./rate-limit-hook.ts";
import { refuseChangesWhileSuspended } from "./refuse-while-suspended.ts";
import { registerSessionCookies } from "./session-cookie.ts";
import { addSecurityHeaders, studioRoutes } from "./studio-routes.ts";

/** What the HTTP kernel itself needs; the features' routes come from the root. */
export interface ApiDeps {
  config: ServerConfig;
  logger: Logger;
  store: Store;
  accountStore: AccountStore;
  apiRateLimiter: ApiRateLimiter;
  auditLogs: AuditLogStore;
  provider: ProviderStore;
}

/** The routes of every feature, as the root gathers them from the feature modules. */
export interface FeatureRoutes {
  open(app: FastifyInstance): Promise<void>;
  authenticated(app: FastifyInstance): Promise<void>;
  /** The provider's console: routes under /v1/provider/ for its administrators only. */
  provider(app: FastifyInstance): Promise<void>;
}

/** The HTTP API: each feature registers its own routes; authenticated ones share one hook. */
export async function buildApi(services: ApiDeps, features: FeatureRoutes): Promise<FastifyInstance> {
  const { http } = services.config;
  const api = Fastify({
    loggerInstance: services.logger as FastifyBaseLogger,
    bodyLimit: services.config.limits.maxRequestBytes,
    trustProxy: http.trustedProxies.length > 0 ? [...http.trustedProxies] : false,
    // Connections that never finish their request are closed, so they cannot pile up.
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: {
      headersTimeout: http.headersTimeoutMs,
      // Node checks the two timeouts above on this interval (30 s by default, which would stretch them).
      connectionsCheckingInterval: Math.min(1_000, http.headersTimeoutMs),
    },
    // A line per request only when debugging: at thousands of events a second they drown the log.
    logController: new LogController({
      disableRequestLogging: services.config.logLevel !== "debug" && services.config.logLevel !== "trace",
    }),
  });
  api.setValidatorCompiler(validatorCompiler);
  api.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(api);
  addSecurityHeaders(api);
  refuseDeepJson(api, services.config.limits.maxJsonDepth);
  await registerSessionCookies(api);
  // Answers over 1 KB in a compressible type (the studio's scripts, long JSON lists) go out as br or
  // gzip when the client takes them; before the studio's static files, which it must wrap. Request
  // bodies are not inflated: a small compressed body could expand past every size limit's intent.
  await api.register(compress, { threshold: 1024, encodings: ["br", "gzip"], globalDecompression: false });

  await api.register(swagger, {
    openapi: {
      info: {
        title: "Conflux API",
        version: "0.1.0",
        description: "Build IoT apps from event sources, channels and actions.",
      },
      components: {
        securitySchemes: {
          apiKey: { type: "apiKey", in: "header", name: "X-Conflux-API-Key" },
          token: { type: "apiKey", in: "header", name: "X-Conflux-Token" },
          studioSession: { type: "apiKey", in: "cookie", name: "conflux_session" },
        },
      },
      security: [{ apiKey: [], token: [] }, { studioSession: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await api.register(swaggerUi, { routePrefix: "/docs" });
  api.get("/v1/openapi.json", { schema: { hide: true } }, async () => api.swagger());
  api.get("/healthz", { schema: { hide: true } }, async () => {
    await services.store.ping();
    return { status: "ok" };
  });

  await api.register(async (open) => {
    requireApiNames(open);
    await features.open(open);
  });
  await api.register(async (authenticated) => {
    requireApiNames(authenticated);
    // Order: authenticate, then the rate limit (onRequest) → authorize (preValidation) → validation →
    // handler; the audit row is written onSend, before the answer leaves.
    requireOperator(authenticated, services.store);
    refuseChangesWhileSuspended(authenticated);
    limitApiCalls(authenticated, services.apiRateLimiter);
    requirePermission(authenticated, new PermissionChecker(services.accountStore));
    auditChanges(authenticated, services.auditLogs);
    await features.authenticated(authenticated);
  });
  await api.register(async (provider) => {
    requireApiNames(provider);
    requireProviderAdmin(provider, services.provider);
    requireKnownOperator(provider, services.provider);
    await features.provider(provider);
  });
  await studioRoutes(api, services);
  return api;
}
