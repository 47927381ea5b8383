import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { FeatureModule } from "../api/feature-module.ts";
import type { Bus } from "../bus/bus.ts";
import type { Database } from "../store/schema.ts";
import type { Store } from "../store/store.ts";
import { startFileEventRedelivery } from "./file-event-redelivery.ts";
import { createFileEvents } from "./file-events.ts";
import { createFileLinks } from "./file-links.ts";
import { fileRoutes, signedFileRoutes } from "./file-routes.ts";
import { SqlFileStore } from "./file-store.ts";
import { fileEventsMigration, fileSourcesMigration } from "./migration.ts";

interface FilesDeps {
  files: SqlFileStore;
  logger: Logger;
}

/** The file store and the `file` event source (an index of file sources the store keeps in each app save). */
export const filesModule = {
  name: "files",
  migrations: { "0006_file_events": fileEventsMigration, "0008_file_sources": fileSourcesMigration },
  openRoutes: signedFileRoutes,
  async routes(app: FastifyInstance, deps: FilesDeps) {
    // Its own scope: file bodies are raw bytes of any type.
    await app.register(async (files) => fileRoutes(files, deps));
  },
  /** Delivers the file events a stopped process left in the outbox, now and every 30 s. */
  async start({ files, logger }: FilesDeps) {
    return startFileEventRedelivery(files, logger);
  },
} satisfies FeatureModule<FilesDeps>;

/** The file store: bytes in the store's database, signed links, and `file` events on every change. */
export function createFileStore(deps: {
  db: Kysely<Database>;
  store: Store;
  bus: Bus;
  secretKey: Buffer;
  /** The public base URL of the API, known once it listens. */
  baseUrl(): string;
  maxFileBytes: number;
  maxMessageBytes: number;
  logger: Logger;
}): SqlFileStore {
  return new SqlFileStore(deps.db, {
    maxFileBytes: deps.maxFileBytes,
    links: createFileLinks(deps.secretKey),
    baseUrl: deps.baseUrl,
    onChange: createFileEvents(deps.store, deps.bus, deps.maxMessageBytes, deps.logger),
  });
}
