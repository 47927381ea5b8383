import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { FeatureModule } from "../api/feature-module.ts";
import type { ServerConfig } from "../config/config.ts";
import type { Cipher } from "../secrets/cipher.ts";
import type { AccountStore } from "../store/accounts.ts";
import type { AuditLogStore } from "../store/audit-logs.ts";
import type { OperatorDirectory } from "../store/operators.ts";
import type { ProviderStore } from "../store/provider.ts";
import type { Store } from "../store/store.ts";
import type { AccountServices } from "./account-services.ts";
import { authKeyRoutes } from "./auth-key-routes.ts";
import { authRoutes } from "./auth-routes.ts";
import { type ClosingDeps, closingRoutes } from "./closing-routes.ts";
import { credentialRoutes } from "./credential-routes.ts";
import { emailRoutes, emailVerifyRoute } from "./email-routes.ts";
import { mfaRoutes, userMfaRoutes } from "./mfa-routes.ts";
import { accountsMigrations } from "./migrations.ts";
import { passwordResetRoutes } from "./password-reset-routes.ts";
import { roleRoutes } from "./role-routes.ts";
import { tokenRoutes } from "./token-routes.ts";
import { userRoutes } from "./user-routes.ts";

type AccountsDeps = {
  store: Store;
  accountStore: AccountStore;
  auditLogs: AuditLogStore;
  config: ServerConfig;
  cipher: Cipher;
  logger: Logger;
  accounts: AccountServices;
  operatorDirectory: OperatorDirectory;
  provider: ProviderStore;
} & ClosingDeps;

/**
 * An operator's account: sign-up, sign-in (throttled, with MFA), password reset, verified addresses,
 * users, roles, auth keys, tokens, and the credentials actions use.
 */
export const accountsModule = {
  name: "accounts",
  migrations: accountsMigrations,
  async openRoutes(app: FastifyInstance, deps: AccountsDeps) {
    await authRoutes(app, deps);
    await passwordResetRoutes(app, deps);
    await emailVerifyRoute(app, deps);
  },
  async routes(app: FastifyInstance, deps: AccountsDeps) {
    await credentialRoutes(app, deps);
    await userRoutes(app, deps);
    await roleRoutes(app, deps);
    await authKeyRoutes(app, deps);
    await tokenRoutes(app, deps);
    await mfaRoutes(app, deps);
    await userMfaRoutes(app, deps);
    await emailRoutes(app, deps);
    await closingRoutes(app, deps);
  },
} satisfies FeatureModule<AccountsDeps>;
