import type { FeatureModule } from "../api/feature-module.ts";
import type { ServerConfig } from "../config/config.ts";
import type { Cipher } from "../secrets/cipher.ts";
import type { Store } from "../store/store.ts";
import { authRoutes } from "./auth-routes.ts";
import { credentialRoutes } from "./credential-routes.ts";

/** An operator's account: sign-up, log-in, API keys and tokens, and the credentials actions use. */
export const accountsModule = {
  name: "accounts",
  openRoutes: authRoutes,
  routes: credentialRoutes,
} satisfies FeatureModule<{ store: Store; config: ServerConfig; cipher: Cipher }>;
