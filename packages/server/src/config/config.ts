import { readFileSync } from "node:fs";
import path from "node:path";
import { defaultMaxJsonDepth, defaultMaxMessageBytes } from "@conflux/core";
import ipaddr from "ipaddr.js";
import { z } from "zod";
import { definedEntries, type Env, mergeLayers } from "./environment.ts";

const flag = z.union([
  z.boolean(),
  z.enum(["0", "1", "true", "false"]).transform((v) => v === "1" || v === "true"),
]);

/**
 * The sections of the configuration every floor may read (listen address, database, runtime, limits,
 * outbound, SMTP). A feature's own section (`ai`, `devices`) is declared by the feature as a
 * ConfigSection and joined to these by the composition root (conflux.ts).
 */
function isCidr(entry: string): boolean {
  try {
    ipaddr.parseCIDR(entry);
    return true;
  } catch {
    return false;
  }
}

export const serverConfigSchema = z.object({
  /** Folder of the embedded default: SQLite database and the generated secret key. */
  dataDir: z.string().default(".conflux"),
  host: z.string().default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65_535).default(8480),
  /** The studio's build folder, served at `/`; packages/studio/dist when absent. */
  studioDir: z.string().optional(),
  /** Public base URL, used in links we hand out (incoming webhook URLs). */
  publicUrl: z.string().url().optional(),
  database: z
    .discriminatedUnion("kind", [
      z.object({ kind: z.literal("sqlite"), file: z.string().optional() }),
      z.object({
        kind: z.literal("postgres"),
        url: z.string().min(1),
        /** Connections per process; absent: store/database.ts's default, measured with the bus's group commit. */
        poolSize: z.coerce.number().int().min(2).max(500).optional(),
      }),
    ])
    .default({ kind: "sqlite" }),
  /** 32-byte key (base64) that encrypts stored credentials; generated into dataDir when absent. */
  secretKey: z.string().optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  runtime: z
    .object({
      /** Actions in flight at once per process: slow actions wait on I/O, not on a worker. */
      concurrency: z.coerce.number().int().min(1).max(10_000).default(256),
      /** Tries of a step that fails transiently; absent: as many as fit in `retryForHours`. */
      maxTries: z.coerce.number().int().min(1).optional(),
      retryBaseMs: z.coerce.number().int().min(1).default(1_000),
      /** How long after its first failure a step is still tried again. */
      retryForHours: z.coerce
        .number()
        .positive()
        .max(24 * 30)
        .default(24),
      /** The longest wait between two tries (a destination's Retry-After may ask for more). */
      retryMaxWaitSeconds: z.coerce.number().positive().max(3_600).default(60),
      /** Transient failures in a row on one destination that open its circuit breaker (per operator). */
      breakerFailures: z.coerce.number().int().min(1).default(5),
      leaseMs: z.coerce.number().int().min(1_000).default(60_000),
      pollMs: z.coerce.number().int().min(5).default(250),
    })
    .default({
      concurrency: 256,
      retryBaseMs: 1_000,
      retryForHours: 24,
      retryMaxWaitSeconds: 60,
      breakerFailures: 5,
      leaseMs: 60_000,
      pollMs: 250,
    }),
  /** Threads that run `code` actions; absent: sized to the machine (sandbox/sandbox-pool.ts). */
  sandbox: z
    .object({
      threads: z.coerce.number().int().min(1).max(256).optional(),
      threadsPerOperator: z.coerce.number().int().min(1).max(256).optional(),
    })
    .default({}),
  limits: z
    .object({
      maxMessageBytes: z.coerce.number().int().min(1_024).default(defaultMaxMessageBytes),
      maxRequestBytes: z.coerce.number().int().min(1_024).default(1_048_576),
      maxActionsPerApp: z.coerce.number().int().min(1).default(10),
      emailsPerHour: z.coerce.number().int().min(0).default(10),
      emailsPerMonth: z.coerce.number().int().min(0).default(300),
      /** Sign-up and password-reset requests per client IP per minute (sign-in is limited by its failures instead). */
      authAttemptsPerMinute: z.coerce.number().int().min(1).default(30),
      /** Authenticated API calls per operator and API group per minute (accounts.md: at least 600). */
      apiCallsPerMinute: z.coerce.number().int().min(1).default(600),
      /** Levels of arrays and objects in a message or an imported app; deeper is refused with 400 at ingest. */
      maxJsonDepth: z.coerce.number().int().min(1).max(1_000).default(defaultMaxJsonDepth),
      /**
       * The latency the backlog is bounded by: sources refuse events (429 for the operator whose own jobs
       * wait past a quarter of it, 503 for all past half) so that what they accept starts within it.
       */
      maxBacklogSeconds: z.coerce.number().positive().max(86_400).default(120),
    })
    .default({
      maxJsonDepth: defaultMaxJsonDepth,
      maxMessageBytes: defaultMaxMessageBytes,
      maxRequestBytes: 1_048_576,
      maxActionsPerApp: 10,
      emailsPerHour: 10,
      emailsPerMonth: 300,
      authAttemptsPerMinute: 30,
      maxBacklogSeconds: 120,
      apiCallsPerMinute: 600,
    }),
  /**
   * Timeouts of the HTTP listener, so connections that never finish do not pile up: the headers of a
   * request, the whole request (headers and body; a slow 10 MiB upload must fit), an idle keep-alive
   * connection.
   */
  http: z
    .object({
      headersTimeoutMs: z.coerce.number().int().min(100).default(30_000),
      requestTimeoutMs: z.coerce.number().int().min(100).default(120_000),
      keepAliveTimeoutMs: z.coerce.number().int().min(100).default(5_000),
      /**
       * Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the client. The client's
       * address counts sign-in failures, fills the audit log and answers `ipAddress(…)` conditions; with no
       * proxy trusted it is the socket's, so a client cannot forge it.
       */
      trustedProxies: z
        .array(
          z
            .string()
            .trim()
            .refine((entry) => ipaddr.isValid(entry) || isCidr(entry), "not an IP address or CIDR range"),
        )
        .default([]),
    })
    .refine((http) => http.headersTimeoutMs <= http.requestTimeoutMs, {
      message: "headersTimeoutMs cannot be longer than requestTimeoutMs",
    })
    .default({
      headersTimeoutMs: 30_000,
      requestTimeoutMs: 120_000,
      keepAliveTimeoutMs: 5_000,
      trustedProxies: [],
    }),
  /**
   * `/metrics` (Prometheus) answers only a scraper that sends `Authorization: Bearer <token>`; without a
   * token it is off (404). Its numbers name no tenant, but they tell how busy and how healthy the service is.
   */
  metrics: z.object({ token: z.string().min(16).optional() }).default({}),
  /** The bus: absent, the queue tables of the database; `nats://host:port`, JetStream (for several instances). */
  bus: z
    .object({
      url: z
        .string()
        .regex(/^nats:\/\/[^\s]+$/, "the bus URL must look like nats://host:4222")
        .optional(),
      /** Names this install's JetStream stream, consumer and buckets, so installs can share a server. */
      prefix: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/, "the bus prefix may hold letters, digits, '_' and '-'")
        .default("conflux"),
    })
    .default({ prefix: "conflux" }),
  /** Runs older than this are deleted (hourly), unless they still have work to do. */
  historyRetentionDays: z.coerce.number().int().min(1).max(3_650).default(30),
  outbound: z
    .object({ allowPrivateAddresses: flag.default(false) })
    .default({ allowPrivateAddresses: false }),
  /** The LINE Messaging API of the line-notification action; another base URL reaches a stand-in. */
  line: z
    .object({ apiUrl: z.url({ protocol: /^https?$/ }).default("https://api.line.me") })
    .default({ apiUrl: "https://api.line.me" }),
  smtp: z
    .object({
      host: z.string(),
      port: z.coerce.number().int(),
      secure: flag.default(false),
      user: z.string().optional(),
      password: z.string().optional(),
      from: z.string().default("Conflux <conflux@localhost>"),
      /** Accept a self-signed certificate on STARTTLS (a local relay). */
      allowInvalidCertificate: flag.default(false),
    })
    .optional(),
});
export type ServerConfig = z.infer<typeof serverConfigSchema>;
type ServerConfigInput = z.input<typeof serverConfigSchema>;

/** A feature's section of the configuration: its schema, and what environment variables set in it. */
export interface ConfigSection<S extends z.ZodType> {
  readonly schema: S;
  /** Undefined when none of its variables is set, so the file's section stays whole. */
  fromEnvironment(env: Env): z.input<S> | undefined;
}

/** The server's sections as environment variables set them. */
export function serverConfigFromEnvironment(env: Env): ServerConfigInput {
  const databaseUrl = env.CONFLUX_DATABASE_URL;
  const set = definedEntries({
    dataDir: env.CONFLUX_DATA_DIR,
    host: env.CONFLUX_HOST,
    port: env.CONFLUX_PORT ?? env.PORT,
    publicUrl: env.CONFLUX_PUBLIC_URL,
    studioDir: env.CONFLUX_STUDIO_DIR,
    secretKey: env.CONFLUX_SECRET_KEY,
    historyRetentionDays: env.CONFLUX_HISTORY_RETENTION_DAYS,
    bus: definedEntries({ url: env.CONFLUX_BUS, prefix: env.CONFLUX_BUS_PREFIX }),
    logLevel: env.CONFLUX_LOG_LEVEL as ServerConfigInput["logLevel"],
    runtime: definedEntries({
      concurrency: env.CONFLUX_RUNTIME_CONCURRENCY,
      retryForHours: env.CONFLUX_RETRY_FOR_HOURS,
      retryMaxWaitSeconds: env.CONFLUX_RETRY_MAX_WAIT_SECONDS,
      breakerFailures: env.CONFLUX_BREAKER_FAILURES,
      leaseMs: env.CONFLUX_RUNTIME_LEASE_MS,
    }),
    sandbox: definedEntries({
      threads: env.CONFLUX_SANDBOX_THREADS,
      threadsPerOperator: env.CONFLUX_SANDBOX_THREADS_PER_OPERATOR,
    }),
    limits: definedEntries({
      maxJsonDepth: env.CONFLUX_MAX_JSON_DEPTH,
      maxBacklogSeconds: env.CONFLUX_MAX_BACKLOG_SECONDS,
      apiCallsPerMinute: env.CONFLUX_API_RATE_LIMIT_PER_MINUTE,
    }),
    metrics: definedEntries({ token: env.CONFLUX_METRICS_TOKEN }),
    http: definedEntries({
      headersTimeoutMs: env.CONFLUX_HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.CONFLUX_HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.CONFLUX_HTTP_KEEP_ALIVE_TIMEOUT_MS,
      trustedProxies: env.CONFLUX_TRUSTED_PROXIES?.split(",").filter((entry) => entry.trim() !== ""),
    }),
    database: databaseUrl?.startsWith("postgres")
      ? definedEntries({
          kind: "postgres" as const,
          url: databaseUrl,
          poolSize: env.CONFLUX_DATABASE_POOL_SIZE,
        })
      : undefined,
    outbound:
      env.CONFLUX_OUTBOUND_ALLOW_PRIVATE === undefined
        ? undefined
        : { allowPrivateAddresses: env.CONFLUX_OUTBOUND_ALLOW_PRIVATE as "0" | "1" },
    line: definedEntries({ apiUrl: env.CONFLUX_LINE_API_URL }),
    smtp: env.CONFLUX_SMTP_HOST
      ? definedEntries({
          host: env.CONFLUX_SMTP_HOST,
          port: env.CONFLUX_SMTP_PORT ?? "587",
          secure: env.CONFLUX_SMTP_SECURE as "0" | "1" | undefined,
          user: env.CONFLUX_SMTP_USER,
          password: env.CONFLUX_SMTP_PASSWORD,
          from: env.CONFLUX_SMTP_FROM,
        })
      : undefined,
  });
  return (set ?? {}) as ServerConfigInput;
}

/** Environment variables win over the optional JSON file named by CONFLUX_CONFIG; `overrides` over both. */
export function readConfig<S extends z.ZodType>(
  schema: S,
  fromEnvironment: (env: Env) => object,
  env: Env,
  overrides: object,
): z.infer<S> {
  const file = env.CONFLUX_CONFIG
    ? (JSON.parse(readFileSync(path.resolve(env.CONFLUX_CONFIG), "utf8")) as Record<string, unknown>)
    : {};
  const result = schema.safeParse(
    mergeLayers(file, fromEnvironment(env) as Record<string, unknown>, overrides as Record<string, unknown>),
  );
  if (!result.success) {
    const detail = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`invalid configuration: ${detail}`);
  }
  return result.data;
}
