import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { FeatureModule } from "../api/feature-module.ts";
import { hashPassword } from "../auth/passwords.ts";
import type { ProviderStore } from "../store/provider.ts";
import type { SignInFailures } from "../store/sign-in-failures.ts";
import { providerAuthRoutes, providerLogoutRoute } from "./admin-auth-routes.ts";
import {
  type ProviderConfigInput,
  providerConfigFromEnvironment,
  providerConfigSchema,
} from "./provider-config.ts";
import { providerSettingsRoutes } from "./settings-routes.ts";

type ProviderDeps = {
  provider: ProviderStore;
  signInFailures: SignInFailures;
  config: { provider: ProviderConfigInput };
  logger: Logger;
};

/** Creates or updates the administrator named in the configuration. */
export async function ensureConfiguredAdmin(
  provider: ProviderStore,
  section: ProviderConfigInput,
): Promise<void> {
  if (!section.adminEmail || !section.adminPassword) return;
  await provider.upsertAdmin(section.adminEmail.toLowerCase(), await hashPassword(section.adminPassword));
}

/**
 * The provider that runs the service: its administrators, their sign-in and its settings. Other
 * features add their own routes to the provider's console through `providerRoutes`.
 */
export const providerModule = {
  name: "provider",
  config: { schema: providerConfigSchema, fromEnvironment: providerConfigFromEnvironment },
  async openRoutes(app: FastifyInstance, deps: ProviderDeps) {
    await providerAuthRoutes(app, deps);
  },
  async providerRoutes(app: FastifyInstance, deps: ProviderDeps) {
    await providerLogoutRoute(app, deps);
    await providerSettingsRoutes(app, deps);
  },
  async start(deps: ProviderDeps) {
    await ensureConfiguredAdmin(deps.provider, deps.config.provider);
    if (deps.config.provider.adminEmail)
      deps.logger.info({ email: deps.config.provider.adminEmail }, "provider administrator ready");
    return () => {};
  },
} satisfies FeatureModule<ProviderDeps>;
