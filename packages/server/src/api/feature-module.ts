import type { FastifyInstance } from "fastify";
import type { Migration } from "kysely";
import type { z } from "zod";
import type { ConfigSection } from "../config/config.ts";

/**
 * A feature as the composition root (conflux.ts) sees it: its tables, its section of the
 * configuration, its routes and what it runs in the background. Routes are a Fastify plugin given
 * the feature's own dependencies (`Deps`, declared by the feature, never the root's types).
 *
 * One module object serves every Conflux in a process (the tests start two), so it keeps no state:
 * `start` returns what stops it.
 */
export interface FeatureModule<Deps> {
  readonly name: string;
  /** By migration name; names order them across modules (store/migrations.ts runs them). */
  readonly migrations?: Readonly<Record<string, Migration>>;
  /** Its section of the configuration, under the key the root gives it. */
  readonly config?: ConfigSection<z.ZodType>;
  /** Routes anyone may call: sign-up, incoming webhooks, device ingest, signed file links. */
  openRoutes?(app: FastifyInstance, deps: Deps): Promise<void>;
  /** Routes behind the operator check (API key and token): the feature's API. */
  routes?(app: FastifyInstance, deps: Deps): Promise<void>;
  /** Routes of the provider's console (`/v1/provider/…`), behind a provider administrator's token. */
  providerRoutes?(app: FastifyInstance, deps: Deps): Promise<void>;
  start?(deps: Deps): Promise<() => Promise<void> | void>;
}
