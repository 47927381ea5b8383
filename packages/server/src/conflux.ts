import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { fitAiTimeoutToLease } from "./ai/ai-config.ts";
import { type AiServices, createAiServices } from "./ai/ai-services.ts";
import { buildApi } from "./api/build-api.ts";
import { AppVersionStore } from "./app-versions/app-versions.ts";
import { RunApps } from "./app-versions/run-app.ts";
import type { Bus } from "./bus/bus.ts";
import { DestinationBreakers } from "./bus/destination-breakers.ts";
import { FailedDeliveries } from "./bus/failed-deliveries.ts";
import { SqlBus } from "./bus/sql-bus.ts";
import type { Config } from "./config/config.ts";
import { createDeviceServices, type DeviceServices } from "./devices/device-services.ts";
import { createLogger } from "./logging/logger.ts";
import { createMailService, type MailService } from "./mail/smtp.ts";
import { createGuardedClient, type OutboundClient } from "./outbound/guarded-client.ts";
import { startHistoryRetention } from "./runtime/history-retention.ts";
import { startPeriodicSweep } from "./runtime/periodic-sweep.ts";
import { runJob } from "./runtime/run-job.ts";
import { Scheduler } from "./runtime/scheduler.ts";
import { startExecution } from "./runtime/start-execution.ts";
import { StepEvents } from "./runtime/step-events.ts";
import { Worker } from "./runtime/worker.ts";
import { sizeSandbox } from "./sandbox/quickjs.ts";
import { type Cipher, createCipher, loadSecretKey } from "./secrets/cipher.ts";
import { openDatabase } from "./store/database.ts";
import { SqlStore } from "./store/sql-store.ts";
import type { Store } from "./store/store.ts";
import { UsageStore } from "./usage/usage-store.ts";

/** What the API routes and the runtime share. */
export interface Services {
  config: Config;
  store: Store;
  /** Every saved definition of every app, for runs opened from the history. */
  appVersions: AppVersionStore;
  bus: Bus;
  /** Deliveries of outbound actions that failed for good, to list and queue again. */
  failedDeliveries: FailedDeliveries;
  cipher: Cipher;
  /** The guarded client every outbound request goes through. */
  outbound: OutboundClient;
  scheduler: Scheduler;
  logger: Logger;
  /** Step changes in this process, for the live run stream of the studio. */
  stepEvents: StepEvents;
  /** Monthly usage counters (AI credits and tokens) per operator. */
  usage: UsageStore;
  ai: AiServices;
  /** Device registry, ingest, downlink, data store and file store (`file` event sources fire on changes). */
  devices: DeviceServices;
}

export interface Conflux {
  services: Services;
  api: FastifyInstance;
  /** The address the API listens on, once started. */
  url: string;
  stop(): Promise<void>;
}

/** Opens the store, starts the workers and the scheduler, and listens. */
export async function startConflux(config: Config, logger: Logger = createLogger(config)): Promise<Conflux> {
  sizeSandbox(config.sandbox);
  const { db, kind } = await openDatabase(config.database, config.dataDir);
  const store = new SqlStore(db);
  const bus = new SqlBus(db, kind, store.messages);
  // One process owns an embedded database: leases of a killed predecessor end now, not after they expire.
  if (kind === "sqlite") await bus.releaseAllLeases();
  const secretKey = loadSecretKey(config.secretKey, config.dataDir);
  const cipher = createCipher(secretKey);
  const outbound: OutboundClient = createGuardedClient({
    allowPrivateAddresses: config.outbound.allowPrivateAddresses,
  });
  const mail: MailService | undefined = createMailService(config);

  const scheduler = new Scheduler(async (tick) => {
    await startExecution(bus, tick, config.limits.maxMessageBytes);
  }, logger);
  const stepEvents = new StepEvents();
  const usage = new UsageStore(db);
  let url = "";
  const devices = createDeviceServices({
    db,
    kind,
    store,
    bus,
    config,
    secretKey,
    baseUrl: () => config.publicUrl ?? url,
    logger,
  });
  const ai = createAiServices(
    fitAiTimeoutToLease(config.ai, config.runtime.leaseMs),
    db,
    outbound,
    usage,
    devices.files,
    logger,
  );
  const appVersions = new AppVersionStore(db);
  const services: Services = {
    config,
    store,
    appVersions,
    bus,
    failedDeliveries: new FailedDeliveries(db),
    cipher,
    outbound,
    scheduler,
    logger,
    stepEvents,
    usage,
    ai,
    devices,
  };

  const runApps = new RunApps(appVersions);
  const retry = {
    baseMs: config.runtime.retryBaseMs,
    maxWaitMs: config.runtime.retryMaxWaitSeconds * 1_000,
    retryForMs: config.runtime.retryForHours * 3_600_000,
    maxTries: config.runtime.maxTries,
  };
  const breakers = new DestinationBreakers(db, {
    failuresToOpen: config.runtime.breakerFailures,
    firstWaitMs: Math.min(retry.baseMs * 2 ** config.runtime.breakerFailures, retry.maxWaitMs),
    maxWaitMs: retry.maxWaitMs,
  });
  const worker = new Worker(
    bus,
    (job) =>
      runJob(job, {
        store,
        runApps,
        bus,
        cipher,
        outbound,
        mail,
        ai,
        devices,
        logger,
        retry,
        breakers,
        maxMessageBytes: config.limits.maxMessageBytes,
        stepEvents,
      }),
    config.runtime,
    logger,
  );

  const api = await buildApi(services);
  await api.listen({ host: config.host, port: config.port });
  for (const { operatorId, app } of await store.listAllApps()) scheduler.schedule(operatorId, app, app.appId);
  worker.start();
  const stopRetention = startHistoryRetention(store, config.historyRetentionDays, logger);
  // Parked deliveries wait for this to let a probe through: a small share of the longest wait between tries.
  const stopProbes = startPeriodicSweep(
    async () => void (await breakers.releaseProbes()),
    Math.min(1_000, Math.max(config.runtime.pollMs, retry.maxWaitMs / 20)),
    logger,
    "releasing deliveries parked behind a circuit breaker failed",
  );
  const address = api.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  await devices.start();
  logger.info({ url, database: kind }, "Conflux is running");

  return {
    services,
    api,
    url,
    async stop() {
      stopRetention();
      stopProbes();
      await devices.stop();
      scheduler.stop();
      await api.close();
      await worker.stop();
      mail?.close();
      await outbound.close();
      await store.close();
    },
  };
}
