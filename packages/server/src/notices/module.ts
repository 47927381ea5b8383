import type { FastifyInstance } from "fastify";
import type { FeatureModule } from "../api/feature-module.ts";
import { noticesMigrations } from "./migrations.ts";
import { type NoticeRouteDeps, noticeRoutes, providerNoticeRoutes } from "./notice-routes.ts";
import { type OutageRouteDeps, outageRoutes, providerOutageRoutes } from "./outage-routes.ts";

type NoticesDeps = NoticeRouteDeps & OutageRouteDeps;

/**
 * The provider's notices and maintenance windows [5.2, 9.3], shown to operators at GET /v1/notices,
 * and outages with the operators' claims of them [15.2.2] (the credit itself is billing's).
 */
export const noticesModule = {
  name: "notices",
  migrations: noticesMigrations,
  async routes(app: FastifyInstance, deps: NoticesDeps) {
    await noticeRoutes(app, deps);
    await outageRoutes(app, deps);
  },
  async providerRoutes(app: FastifyInstance, deps: NoticesDeps) {
    await providerNoticeRoutes(app, deps);
    await providerOutageRoutes(app, deps);
  },
} satisfies FeatureModule<NoticesDeps>;
