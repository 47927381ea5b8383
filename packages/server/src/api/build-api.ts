import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { appVersionRoutes } from "../app-versions/app-version-routes.ts";
import type { Services } from "../conflux.ts";
import { deviceRoutes } from "../devices/device-routes.ts";
import { fileRoutes, signedFileRoutes } from "../files/file-routes.ts";
import { httpIngestRoutes } from "../ingest/http-ingest.ts";
import { aiRoutes } from "./ai-routes.ts";
import { appRoutes } from "./app-routes.ts";
import { authRoutes } from "./auth-routes.ts";
import { requireOperator } from "./authenticate.ts";
import { credentialRoutes } from "./credential-routes.ts";
import { registerErrorHandler } from "./error-handler.ts";
import { failedDeliveryRoutes } from "./failed-delivery-routes.ts";
import { historyRoutes } from "./history-routes.ts";
import { incomingWebhookRoutes, messageRoutes } from "./message-routes.ts";
import { runStreamRoutes } from "./run-stream-routes.ts";
import { addSecurityHeaders, studioRoutes } from "./studio-routes.ts";

/** The HTTP API: each feature registers its own routes; authenticated ones share one hook. */
export async function buildApi(services: Services): Promise<FastifyInstance> {
  const api = Fastify({
    loggerInstance: services.logger as FastifyBaseLogger,
    bodyLimit: services.config.limits.maxRequestBytes,
    // A line per request only when debugging: at thousands of events a second they drown the log.
    logController: new LogController({
      disableRequestLogging: services.config.logLevel !== "debug" && services.config.logLevel !== "trace",
    }),
  });
  api.setValidatorCompiler(validatorCompiler);
  api.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(api);
  addSecurityHeaders(api);

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
        },
      },
      security: [{ apiKey: [], token: [] }],
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
    await authRoutes(open, services);
    await incomingWebhookRoutes(open, services);
    await signedFileRoutes(open, services);
    // Its own scope: device bodies are raw bytes, not parsed JSON.
    await open.register(async (ingest) => httpIngestRoutes(ingest, services));
  });
  await api.register(async (authenticated) => {
    requireOperator(authenticated, services.store);
    await appRoutes(authenticated, services);
    await appVersionRoutes(authenticated, services);
    await messageRoutes(authenticated, services);
    await historyRoutes(authenticated, services);
    await failedDeliveryRoutes(authenticated, services);
    await credentialRoutes(authenticated, services);
    await aiRoutes(authenticated, services);
    await runStreamRoutes(authenticated, services);
    await deviceRoutes(authenticated, services);
    // Its own scope: file bodies are raw bytes of any type.
    await authenticated.register(async (files) => fileRoutes(files, services));
  });
  await studioRoutes(api, services);
  return api;
}
