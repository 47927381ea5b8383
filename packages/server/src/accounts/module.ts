import type { FastifyInstance } from "fastify";
import type { FeatureModule } from "../api/feature-module.ts";
import type { ServerConfig } from "../config/config.ts";
import type { Cipher } from "../secrets/cipher.ts";
import type { AccountStore } from "../store/accounts.ts";
import type { Store } from "../store/store.ts";
import { authKeyRoutes } from "./auth-key-routes.ts";
import { authRoutes } from "./auth-routes.ts";
import { credentialRoutes } from "./credential-routes.ts";
import { roleRoutes } from "./role-routes.ts";
import { tokenRoutes } from "./token-routes.ts";
import { userRoutes } from "./user-routes.ts";

type AccountsDeps = { store: Store; accountStore: AccountStore; config: ServerConfig; cipher: Cipher };

/** An operator's account: sign-up, log-in, users, roles, auth keys, tokens, and the credentials actions use. */
export const accountsModule = {
  name: "accounts",
  openRoutes: authRoutes,
  async routes(app: FastifyInstance, deps: AccountsDeps) {
    await credentialRoutes(app, deps);
    await userRoutes(app, deps);
    await roleRoutes(app, deps);
    await authKeyRoutes(app, deps);
    await tokenRoutes(app, deps);
  },
} satisfies FeatureModule<AccountsDeps>;
