import { maxHops } from "@conflux/core";
import type { Logger } from "pino";
import type { Bus } from "../bus/bus.ts";
import { startExecution } from "../runtime/start-execution.ts";
import { fileSourcesOf } from "../store/file-sources.ts";
import type { Store } from "../store/store.ts";
import type { FileChange } from "./file-store.ts";

/** The `file` event source: each stored change starts an execution in every app listening to its path. */
export function createFileEvents(store: Store, bus: Bus, maxMessageBytes: number, logger: Logger) {
  return async function raise(change: FileChange): Promise<void> {
    if (change.hop > maxHops) {
      // An app writes the files that start it: the chain ends here, as a chain of outputs does.
      logger.warn(
        { operatorId: change.operatorId, path: change.path, hop: change.hop },
        `file event not delivered: it is ${change.hop} hops from its upload (a loop through files?); the limit is ${maxHops}`,
      );
      return;
    }
    // The index names the apps; each app's own definition decides, as it did before the index.
    const apps = await store.forOperator(change.operatorId).listAppsWithFileSource(change);
    for (const app of apps) {
      for (const { channelId, source } of fileSourcesOf(app)) {
        if (!change.path.startsWith(source.config.pathPrefix)) continue;
        if (!source.config.eventTypes.includes(change.eventType)) continue;
        const payload = {
          eventType: change.eventType,
          path: change.path,
          contentType: change.contentType,
          ...(change.url ? { presignedUrls: { get: change.url } } : {}),
        };
        await startExecution(
          bus,
          {
            operatorId: change.operatorId,
            app,
            channelId,
            payload,
            context: { eventType: "harvest_files", configurationId: `${app.appId}:${channelId}` },
            hop: change.hop,
            // A redelivered event (after a crash) starts no second run.
            dedupeKey: `file:${change.eventId}:${channelId}`,
          },
          maxMessageBytes,
        );
        logger.debug({ appId: app.appId, channelId, path: change.path }, "file event delivered");
      }
    }
  };
}
