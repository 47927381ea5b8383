import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { FastifyInstance } from "fastify";
import type { Kysely, Migration } from "kysely";
import type { Logger } from "pino";

import type { z } from "zod";
import { type AccountServices, createAccountServices } from "./accounts/account-services.ts";
import { createApiCallPort } from "./accounts/api-calls.ts";
import { accountsModule } from "./accounts/module.ts";

import { fitAiTimeoutToLease } from "./ai/ai-config.ts";
import { type AiServices, createAiServices } from "./ai/ai-services.ts";
import { aiModule, aiPortOf } from "./ai/module.ts";
import { buildApi } from "./api/build-api.ts";
import { operationsRoutes } from "./api/operations-routes.ts";
import { appsModule } from "./apps/module.ts";
import { auditModule } from "./audit/module.ts";
import { CardPayments } from "./billing/card-payments.ts";
import { CouponStore } from "./billing/coupon-store.ts";
import { type InvoiceSources, Invoices } from "./billing/invoices.ts";
import { billingModule } from "./billing/module.ts";
import { OutageCredits } from "./billing/outage-credits.ts";
import { httpPaymentProcessor } from "./billing/payment-processor.ts";
import type { Bus } from "./bus/bus.ts";
import { watchDatabase } from "./bus/database-gauges.ts";
import { DestinationBreakers } from "./bus/destination-breakers.ts";
import { type AnnounceJobs, FailedDeliveries } from "./bus/failed-deliveries.ts";
import { dueSinceByOperator } from "./bus/job-backlog.ts";
import { type Leadership, soleLeader, startLeaderLease } from "./bus/leader-lease.ts";
import { meteredBus } from "./bus/metered-bus.ts";
import { NatsBus, natsNames } from "./bus/nats-bus.ts";
import { SqlBus } from "./bus/sql-bus.ts";
import { readConfig, serverConfigFromEnvironment, serverConfigSchema } from "./config/config.ts";
import type { Env } from "./config/environment.ts";
import { createDeviceServices, type DeviceServices } from "./devices/device-services.ts";
import { devicesModule } from "./devices/module.ts";
import { UserError } from "./errors.ts";
import type { FileStore, SqlFileStore } from "./files/file-store.ts";
import { createFileStore, filesModule } from "./files/module.ts";
import { createLogger } from "./logging/logger.ts";
import { createMailService, type MailService } from "./mail/smtp.ts";
import { Metrics } from "./metrics/metrics.ts";
import { noticesModule } from "./notices/module.ts";
import { NoticeStore } from "./notices/notice-store.ts";
import { OutageStore } from "./notices/outage-store.ts";
import { countingErrors } from "./outbound/counted-client.ts";
import { createGuardedClient, type OutboundClient } from "./outbound/guarded-client.ts";
import { partnersModule } from "./partners/module.ts";
import { plansModule } from "./plans/module.ts";
import { providerModule } from "./provider/module.ts";
import type { ActionServices } from "./runtime/actions/action-context.ts";
import { GoogleAccessTokens } from "./runtime/actions/google-access-tokens.ts";
import { Admission } from "./runtime/admission.ts";
import { bandwidthCheck } from "./runtime/bandwidth-check.ts";
import { BillingCalendar } from "./runtime/billing-calendar.ts";
import { BoundClocks } from "./runtime/bound-clocks.ts";
import { CollectBatches } from "./runtime/collect-batches.ts";
import { startHistoryRetention } from "./runtime/history-retention.ts";
import { readIngestRates } from "./runtime/ingest-rates.ts";
import { startPeriodicSweep } from "./runtime/periodic-sweep.ts";
import type { PlanTermsPort } from "./runtime/ports/plan-terms.ts";
import type { VerifiedAddressesPort } from "./runtime/ports/verified-addresses.ts";
import { RunApps } from "./runtime/run-app.ts";
import { runJob } from "./runtime/run-job.ts";
import { Scheduler } from "./runtime/scheduler.ts";
import { SourceDoor } from "./runtime/source-door.ts";
import { startExecution } from "./runtime/start-execution.ts";
import { StepEvents } from "./runtime/step-events.ts";
import { SuspendedOperators } from "./runtime/suspended-operators.ts";
import { Worker } from "./runtime/worker.ts";
import { sizeSandbox } from "./sandbox/quickjs.ts";
import { type Cipher, createCipher, loadSecretKey } from "./secrets/cipher.ts";
import { AccountStore } from "./store/accounts.ts";
import { ApiRateLimiter } from "./store/api-rate-windows.ts";
import { AppVersionStore } from "./store/app-versions.ts";
import { AuditLogStore } from "./store/audit-logs.ts";
import { BandwidthBuckets } from "./store/bandwidth-buckets.ts";
import { BandwidthLeases } from "./store/bandwidth-leases.ts";
import { type OpenDatabase, openDatabase as openStoreDatabase } from "./store/database.ts";
import { storeMigrations, migratorFor as storeMigratorFor } from "./store/migrations.ts";
import { type ClosingTerms, OperatorClosings } from "./store/operator-closings.ts";
import { exportOperator } from "./store/operator-export.ts";
import { OperatorSuspensions } from "./store/operator-suspensions.ts";
import { OperatorDirectory } from "./store/operators.ts";
import { OutageCreditStore } from "./store/outage-credits.ts";
import { PartnerStore } from "./store/partners.ts";
import { PlanStore } from "./store/plans.ts";
import { ProviderStore } from "./store/provider.ts";
import type { Database } from "./store/schema.ts";
import type { SignInFailures } from "./store/sign-in-failures.ts";
import { SqlStore } from "./store/sql-store.ts";
import type { Store } from "./store/store.ts";
import { TestClocks } from "./store/test-clocks.ts";
import { EventQuota } from "./usage/event-quota.ts";
import { usageModule } from "./usage/module.ts";
import { eventsCap } from "./usage/usage-report.ts";
import { UsageStore } from "./usage/usage-store.ts";

/**
 * The composition root: the one file that knows every feature module. It joins their config
 * sections and migrations, builds the services, gives the runtime's ports their implementations,
 * registers the routes and starts what runs in the background. A new feature is a folder and a
 * line in `modules`.
 */
const modules = [
  providerModule,
  accountsModule,
  appsModule,
  devicesModule,
  filesModule,
  aiModule,
  usageModule,
  auditModule,
  plansModule,
  noticesModule,
  partnersModule,
  billingModule,
] as const;

export const configSchema = serverConfigSchema.extend({
  /** Generative AI: the service's provider keys and endpoints, credit quota, rate limit (ai/ai-config.ts). */
  ai: aiModule.config.schema.prefault({}),
  /** Devices and data: MQTT, UDP/TCP listeners, payload and file limits, data retention (devices/device-config.ts). */
  devices: devicesModule.config.schema.prefault({}),
  /** The provider administrator `conflux serve` ensures (provider/provider-config.ts). */
  provider: providerModule.config.schema.prefault({}),
  /** Card payments: the card processor's URL and secret key (billing/payment-processor.ts). */
  billing: billingModule.config.schema.prefault({}),
});
export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

export function loadConfig(env: Env = process.env, overrides: ConfigInput = {}): Config {
  return readConfig(
    configSchema,
    (variables) => ({
      ...serverConfigFromEnvironment(variables),
      ai: aiModule.config.fromEnvironment(variables),
      devices: devicesModule.config.fromEnvironment(variables),
      provider: providerModule.config.fromEnvironment(variables),
      billing: billingModule.config.fromEnvironment(variables),
    }),
    env,
    overrides,
  );
}

/** The store's migrations and every module's, by name: the order they run in. */
export const migrations = joinMigrations([
  storeMigrations,
  ...modules.map((module) => ("migrations" in module ? module.migrations : {})),
]);

/** Two modules naming a migration alike would silently lose one; they fail at start instead. */
function joinMigrations(sets: ReadonlyArray<Readonly<Record<string, Migration>>>): Record<string, Migration> {
  const joined: Record<string, Migration> = {};
  for (const set of sets)
    for (const [name, migration] of Object.entries(set)) {
      if (name in joined) throw new Error(`two migrations are named ${name}`);
      joined[name] = migration;
    }
  return joined;
}

/** Opens Conflux's database with every migration applied. */
export function openDatabase(database: Config["database"], dataDir: string): Promise<OpenDatabase> {
  return openStoreDatabase(database, dataDir, migrations);
}

export function migratorFor(db: Kysely<unknown>) {
  return storeMigratorFor(db, migrations);
}

/** What the API routes and the runtime share. */
export interface Services {
  config: Config;
  store: Store;
  /** Users, roles, default permissions and auth keys of each operator. */
  accountStore: AccountStore;
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
  /** API calls per operator and API group per minute, shared by every instance on the database. */
  apiRateLimiter: ApiRateLimiter;
  /** Audited calls and sign-ins of each operator. */
  auditLogs: AuditLogStore;
  /** Monthly usage counters (events, AI credits and tokens) and quotas per operator. */
  usage: UsageStore;
  /** Days and months in the provider's billing time zone (usage, quotas, invoices). */
  billingCalendar: BillingCalendar;
  /** The events cap at the sources' door. */
  eventQuota: EventQuota;
  ai: AiServices;
  /** Device registry, ingest, downlink and data store, with the file store (`file` event sources fire on changes). */
  devices: DeviceServices & { readonly files: FileStore };
  /** The file store (also at `devices.files`). */
  files: SqlFileStore;
  /** What actions draw on: the runtime's ports, implemented by the features. */
  actions: ActionServices;
  /** The sources' door: refuses events before the backlog's latency passes its bound. */
  admission: Admission;
  /** Every event source passes it: backlog, the operator's standing, quotas, bandwidth. */
  door: SourceDoor;
  /** The provider's administrators, their tokens and its settings. */
  provider: ProviderStore;
  /** Failed sign-ins of operators and of provider administrators, shared by every instance. */
  signInFailures: SignInFailures;
  /** Each operator's plan in force. */
  planTerms: PlanTermsPort;
  /** Every operator as the provider sees it: sign-up, review, status and id changes. */
  operatorDirectory: OperatorDirectory;
  /** What this process keeps under an operator id (timers, cached devices) follows a change of the id. */
  operatorIdChanged(oldId: string, newId: string): Promise<void>;
  /** Coupons the provider issued and operators registered. */
  coupons: CouponStore;
  /** Monthly invoices, payments and acceleration. */
  invoices: Invoices;
  /** The operator's card reference and paying invoices with it, when a card processor is configured. */
  cardPayments: CardPayments;
  /** Test clocks that bound operators read as "now" in billing. */
  testClocks: TestClocks;
  /** An operator's "now": its test clock's time when it has one (notices, outage claims, billing). */
  operatorClock(operatorId: string): Promise<number>;
  /** Sign-in throttling, MFA, mailed tokens and verified addresses (also the apps' check of email recipients). */
  accounts: AccountServices;
  verifiedAddresses: VerifiedAddressesPort;
  /** Plans the provider offers and each operator's plan history (also the runtime's PlanTermsPort). */
  plans: PlanStore;
  /** The provider's notices and maintenance windows. */
  notices: NoticeStore;
  /** Outages the provider records and the operators' claims of them. */
  outages: OutageStore;
  /** Works out a new outage claim's credit and the invoice it lands on (billing's rule). */
  creditOutageClaim(operatorId: string, claimId: string): Promise<{ credit: number; invoiceMonth: string }>;
  /** Partner operators and their customers. */
  partners: PartnerStore;
  /** Suspending and resuming operators [ToS 5.1.3]; `suspendedOperators` is this process's cached view. */
  operatorSuspensions: OperatorSuspensions;
  suspendedOperators: SuspendedOperators;
  /** Accounts closing [ToS 6]: `eraseDue(now)` deletes those whose day has ended (the sweep calls it). */
  operatorClosings: OperatorClosings;
  closingTerms(): Promise<ClosingTerms>;
  exportOperatorData(operatorId: string, now: number): AsyncIterable<string>;
}

export interface Conflux {
  services: Services;
  api: FastifyInstance;
  /** The address the API listens on, once started. */
  url: string;
  stop(): Promise<void>;
}

/** The SQL bus alone, or JetStream handing out the SQL bus's jobs with a leader lease for the scheduler. */
async function openBus(
  config: Config,
  sqlBus: SqlBus,
  db: Kysely<Database>,
  logger: Logger,
): Promise<{ bus: Bus; leadership: Leadership; closeBus: () => Promise<void>; announce?: AnnounceJobs }> {
  const { url, prefix } = config.bus;
  if (!url) return { bus: sqlBus, leadership: soleLeader, closeBus: async () => {} };
  const bus = await NatsBus.open({ url, prefix, leaseMs: config.runtime.leaseMs }, sqlBus, db, logger);
  const holder = `${hostname()}:${process.pid}:${randomUUID()}`;
  const leadership = await startLeaderLease(bus.nats, natsNames(prefix).leaderBucket, holder, 10_000, logger);
  return { bus, leadership, closeBus: () => bus.close(), announce: (jobs) => bus.announce(jobs) };
}

/** Opens the store, starts the workers and the scheduler, and listens. */
export async function startConflux(config: Config, logger: Logger = createLogger(config)): Promise<Conflux> {
  sizeSandbox(config.sandbox);
  const { db, kind, pool } = await openDatabase(config.database, config.dataDir);
  const store = new SqlStore(db);
  const metrics = new Metrics({ processMetrics: config.metrics.token !== undefined });
  watchDatabase(metrics, db, pool);
  const listenUrl = config.database.kind === "postgres" ? config.database.url : undefined;
  const provider = new ProviderStore(db);
  const billingCalendar = new BillingCalendar(
    async () => (await provider.settings()).billingTimeZone,
    logger,
  );
  await billingCalendar.start();
  const billingDay = (at: number) => billingCalendar.day(at);
  // Usage of an operator on a test clock is stamped at the clock's time, read from this cache (no query per event).
  const testClocks: TestClocks = new TestClocks(db, () => boundClocks.refresh());
  const boundClocks: BoundClocks = new BoundClocks(() => testClocks.frozenTimes(), logger);
  await boundClocks.start();
  const operatorTime = (operatorId: string, at: number) => boundClocks.at(operatorId, at);
  const sqlBus = new SqlBus(db, kind, {
    messages: store.messages,
    listenUrl,
    logger,
    billingDay,
    operatorTime,
  });
  const opened = await openBus(config, sqlBus, db, logger);
  const { leadership, closeBus, announce } = opened;
  const bus = meteredBus(opened.bus, metrics);
  // One process owns an embedded database: leases of a killed predecessor end now, not after they expire.
  if (kind === "sqlite") await bus.releaseAllLeases();
  const secretKey = loadSecretKey(config.secretKey, config.dataDir);
  const cipher = createCipher(secretKey);
  const outbound: OutboundClient = countingErrors(
    createGuardedClient({ allowPrivateAddresses: config.outbound.allowPrivateAddresses }),
    (code) => metrics.outboundErrors.inc({ code }),
  );
  const mail: MailService | undefined = createMailService(config);

  // The door is built below, with the services its checks read; ticks start after it is.
  let door: SourceDoor | undefined;
  const scheduler = new Scheduler(async (tick) => {
    // One instance fires the ticks; the tick's dedupe key covers a hand-over that overlaps.
    if (!leadership.isLeader()) return;
    try {
      await door?.enter({ operatorId: tick.operatorId, source: "timer", bytes: 0, startsRun: true });
    } catch (error) {
      // A refused tick is skipped for good: a timer never replays the ticks it missed.
      if (!(error instanceof UserError)) throw error;
      logger.debug({ appId: tick.app.appId, code: error.code }, "timer tick refused at the door");
      return;
    }
    await startExecution(bus, tick, config.limits.maxMessageBytes);
  }, logger);
  const stepEvents = new StepEvents();
  const usage = new UsageStore(db, billingCalendar, operatorTime);
  let url = "";
  const files = createFileStore({
    db,
    store,
    bus,
    secretKey,
    baseUrl: () => config.publicUrl ?? url,
    maxFileBytes: config.devices.maxFileBytes,
    maxMessageBytes: config.limits.maxMessageBytes,
    logger,
  });
  const admission = new Admission(() => dueSinceByOperator(db), config.limits.maxBacklogSeconds, logger);
  const plans = new PlanStore(db);
  const planTerms: PlanTermsPort = plans;
  const eventQuota = new EventQuota(
    {
      capOf: (operatorId, at) => eventsCap(operatorId, at, { usage, planTerms }),
      countOf: async (operatorId, month) => (await usage.forOperator(operatorId).ofMonth(month)).events ?? 0,
      calendar: billingCalendar,
      operatorTime,
    },
    logger,
  );
  const operatorSuspensions = new OperatorSuspensions(db, kind, announce);
  const suspendedOperators = new SuspendedOperators(() => operatorSuspensions.suspended(), logger);
  const rateLimits = async () => (await provider.settings()).rateLimits;
  const bandwidthBuckets = new BandwidthBuckets(db);
  // The first refusal answers: standing (403) before load, quota and bandwidth; bandwidth takes bytes, so it is last.
  door = new SourceDoor([
    suspendedOperators.check,
    (event, now) => {
      if (event.startsRun) admission.admit(event.operatorId, now);
    },
    (event, now) => (event.startsRun ? eventQuota.check(event.operatorId, now) : undefined),
    // Last: it takes bytes from the buckets, which a later refusal would waste.
    bandwidthCheck({
      ratesOf: readIngestRates({
        planLimitsOf: async (operatorId) => (await planTerms.termsOf(operatorId)).limits,
        providerLimits: rateLimits,
        freshMs: 5_000,
      }),
      leases: new BandwidthLeases(bandwidthBuckets),
    }),
  ]);
  const devices = createDeviceServices({ db, kind, store, bus, config, logger, door });
  const ai = createAiServices(
    fitAiTimeoutToLease(config.ai, config.runtime.leaseMs),
    db,
    outbound,
    usage,
    files,
    logger,
    async () => (await rateLimits()).aiRequestsPerMinute ?? config.ai.requestsPerMinute,
  );
  const appVersions = new AppVersionStore(db);
  const runApps = new RunApps(appVersions);
  const collectBatches = new CollectBatches({
    db,
    bus,
    store,
    runApps,
    maxMessageBytes: config.limits.maxMessageBytes,
    logger,
  });
  const accounts = createAccountServices(db, cipher, mail, () => config.publicUrl ?? url);
  const googleTokens = new GoogleAccessTokens(outbound);
  const plansInForce: InvoiceSources["plansInForce"] = async (operatorId, from, to) =>
    (await plans.plansInForce(operatorId, from, to)).map((period) => period.plan);
  const outageCredits = new OutageCredits(new OutageCreditStore(db), plansInForce, provider, testClocks);
  const invoiceSources: InvoiceSources = {
    plansInForce,
    async usageOf(operatorId, month) {
      const counters = await usage.forOperator(operatorId).ofMonth(month);
      return { events: counters.events ?? 0, aiCredits: counters.ai_credits ?? 0 };
    },
    outageCreditsOf: (operatorId, month) => outageCredits.creditsOn(operatorId, month),
    settleOutageCredits: (operatorId, month) => outageCredits.settle(operatorId, month),
  };
  const invoices = new Invoices(db, invoiceSources, provider, testClocks);
  const accountStore = new AccountStore(db);
  const operatorClosings = new OperatorClosings(db, kind);
  // The api action calls the API built below; it runs only once the API listens.
  let builtApi: FastifyInstance | undefined;
  const apiCalls = createApiCallPort(
    () => {
      if (!builtApi) throw new Error("the API is not built yet");
      return builtApi;
    },
    { store, accounts: accountStore },
  );
  const actions: ActionServices = {
    outbound,
    mail,
    cipher,
    ai: aiPortOf(ai),
    devices,
    lineApiUrl: config.line.apiUrl,
    googleTokens,
    collectBatches,
    apiCalls,
    verifiedAddresses: accounts.verifiedEmails,
  };
  const services: Services = {
    admission,
    billingCalendar,
    eventQuota,
    door,
    provider,
    signInFailures: accounts.failures,
    planTerms,
    plans,
    operatorDirectory: new OperatorDirectory(db),
    async operatorIdChanged(_oldId, newId) {
      devices.registry.forgetCached();
      for (const app of await store.forOperator(newId).listApps()) scheduler.schedule(newId, app, app.appId);
    },
    coupons: new CouponStore(db),
    invoices,
    cardPayments: new CardPayments(
      db,
      invoices,
      provider,
      httpPaymentProcessor(config.billing.payments, outbound),
    ),
    testClocks,
    operatorClock: (operatorId) => testClocks.nowFor(operatorId),
    config,
    store,
    accountStore,
    appVersions,
    bus,
    failedDeliveries: new FailedDeliveries(db, announce),
    apiRateLimiter: new ApiRateLimiter(
      db,
      async () => (await rateLimits()).apiCallsPerMinute ?? config.limits.apiCallsPerMinute,
    ),
    auditLogs: new AuditLogStore(db),
    cipher,
    outbound,
    scheduler,
    logger,
    stepEvents,
    usage,
    ai,
    devices: { ...devices, files },
    files,
    actions,
    accounts,
    verifiedAddresses: accounts.verifiedEmails,
    notices: new NoticeStore(db),
    outages: new OutageStore(db),
    creditOutageClaim: (operatorId, claimId) => outageCredits.credit(operatorId, claimId),
    partners: new PartnerStore(db),
    operatorSuspensions,
    suspendedOperators,
    operatorClosings,
    closingTerms: async () => {
      const settings = await services.provider.settings();
      return { timeZone: settings.billingTimeZone, noticeDays: settings.closingNoticeDays };
    },
    exportOperatorData: (operatorId, now) => exportOperator(db, operatorId, now),
  };

  const retry = {
    baseMs: config.runtime.retryBaseMs,
    maxWaitMs: config.runtime.retryMaxWaitSeconds * 1_000,
    retryForMs: config.runtime.retryForHours * 3_600_000,
    maxTries: config.runtime.maxTries,
  };
  const breakers = new DestinationBreakers(
    db,
    {
      failuresToOpen: config.runtime.breakerFailures,
      firstWaitMs: Math.min(retry.baseMs * 2 ** config.runtime.breakerFailures, retry.maxWaitMs),
      maxWaitMs: retry.maxWaitMs,
    },
    announce,
  );
  // One object for every job: spreading the services anew for each cost more than some actions.
  const jobServices = {
    ...actions,
    store,
    runApps,
    bus,
    logger,
    retry,
    breakers,
    maxMessageBytes: config.limits.maxMessageBytes,
    stepEvents,
  };
  const worker = new Worker(
    bus,
    suspendedOperators.holdJobs(
      (job) => runJob(job, jobServices),
      async (job) => {
        const setAside = await operatorSuspensions.setAside(job, Date.now());
        if (setAside) bus.letGo(job);
        return setAside;
      },
    ),
    config.runtime,
    logger,
  );

  const api = await buildApi(services, {
    async open(app) {
      for (const module of modules) if ("openRoutes" in module) await module.openRoutes(app, services);
    },
    async authenticated(app) {
      for (const module of modules) if ("routes" in module) await module.routes(app, services);
    },
    async provider(app) {
      for (const module of modules)
        if ("providerRoutes" in module) await module.providerRoutes(app, services);
    },
  });
  // Probes and scrapes, beside /healthz: not API operations, so outside the named, permission-checked scopes.
  await operationsRoutes(api, { store, bus, metrics, metricsToken: config.metrics.token });
  builtApi = api;
  await api.listen({ host: config.host, port: config.port });
  for (const { operatorId, app } of await store.listAllApps()) scheduler.schedule(operatorId, app, app.appId);
  await suspendedOperators.start();
  worker.start();
  admission.start();
  collectBatches.start();
  const stopRetention = startHistoryRetention(
    store,
    (now) => plans.historyRetention(now, config.historyRetentionDays),
    logger,
  );
  // A full bucket is as good as none: the rows of quiet (or removed) devices go.
  const stopForgettingBuckets = startPeriodicSweep(
    async () => void (await bandwidthBuckets.forgetFull(Date.now())),
    600_000,
    logger,
    "forgetting full bandwidth buckets failed",
  );
  // Parked deliveries wait for this to let a probe through: a small share of the longest wait between tries.
  const stopProbes = startPeriodicSweep(
    async () => void (await breakers.releaseProbes()),
    Math.min(1_000, Math.max(config.runtime.pollMs, retry.maxWaitMs / 20)),
    logger,
    "releasing deliveries parked behind a circuit breaker failed",
  );
  // Closed accounts are erased by one instance; a later round finishes what a failed one left.
  const stopClosings = startPeriodicSweep(
    async () => {
      if (!leadership.isLeader()) return;
      for (const operatorId of await operatorClosings.eraseDue(Date.now())) {
        scheduler.unscheduleOperator(operatorId);
        logger.info({ operatorId }, "closed account erased");
      }
    },
    60_000,
    logger,
    "erasing closed accounts failed",
  );
  const address = api.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  const stopModules: Array<() => Promise<void> | void> = [];
  for (const module of modules) if ("start" in module) stopModules.push(await module.start(services));
  logger.info({ url, database: kind }, "Conflux is running");

  return {
    services,
    api,
    url,
    async stop() {
      billingCalendar.stop();
      boundClocks.stop();
      stopRetention();
      stopProbes();
      stopClosings();
      suspendedOperators.stop();
      stopForgettingBuckets();
      admission.stop();
      for (const stopModule of stopModules.reverse()) await stopModule();
      scheduler.stop();
      await api.close();
      await worker.stop();
      await collectBatches.stop();
      await leadership.stop();
      await closeBus();
      mail?.close();
      await outbound.close();
      await store.close();
    },
  };
}
