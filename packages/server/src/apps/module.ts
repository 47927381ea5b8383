import type { FastifyInstance } from "fastify";
import type { FeatureModule } from "../api/feature-module.ts";
import type { StepEvents } from "../runtime/step-events.ts";
import { type AppRouteDeps, appRoutes } from "./app-routes.ts";
import { type AppVersionRouteDeps, appVersionRoutes } from "./app-version-routes.ts";
import { type FailedDeliveryRouteDeps, failedDeliveryRoutes } from "./failed-delivery-routes.ts";
import { type HistoryRouteDeps, historyRoutes } from "./history-routes.ts";
import { incomingWebhookRoutes, type MessageRouteDeps, messageRoutes } from "./message-routes.ts";
import { runStreamRoutes } from "./run-stream-routes.ts";

type AppsDeps = AppRouteDeps &
  AppVersionRouteDeps &
  HistoryRouteDeps &
  FailedDeliveryRouteDeps &
  MessageRouteDeps & { stepEvents: StepEvents };

/**
 * Apps and what happens to them: saving (every save a version), the `api` event source and incoming
 * webhooks, the history of runs and its live stream, failed deliveries and their replay.
 */
export const appsModule = {
  name: "apps",
  openRoutes: incomingWebhookRoutes,
  async routes(app: FastifyInstance, deps: AppsDeps) {
    await appRoutes(app, deps);
    await appVersionRoutes(app, deps);
    await messageRoutes(app, deps);
    await historyRoutes(app, deps);
    await failedDeliveryRoutes(app, deps);
    await runStreamRoutes(app, deps);
  },
} satisfies FeatureModule<AppsDeps>;
