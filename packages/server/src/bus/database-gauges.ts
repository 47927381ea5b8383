import type { Kysely } from "kysely";
import type pg from "pg";
import type { Metrics } from "../metrics/metrics.ts";
import type { Database } from "../store/schema.ts";
import { type Backlog, jobBacklog } from "./job-backlog.ts";

/** Scrapes closer together than this share one count of the backlog. */
const backlogFreshMs = 1_000;

/**
 * Gauges read from the database at each scrape: the bus's backlog (jobs and the age of the oldest, by
 * queue) and, on PostgreSQL, the connection pool (requests waiting for a connection, connections in use).
 */
export function watchDatabase(metrics: Metrics, db: Kysely<Database>, pool: pg.Pool | undefined): void {
  let counted: { at: number; backlog: Promise<Backlog[]> } | undefined;
  const backlog = () => {
    const now = Date.now();
    if (!counted || now - counted.at > backlogFreshMs) counted = { at: now, backlog: jobBacklog(db, now) };
    return counted.backlog;
  };
  metrics.gauge(
    "conflux_backlog_jobs",
    "Jobs not done yet, by queue: due, running, delayed, parked.",
    ["queue"],
    async () => (await backlog()).map(({ queue, jobs }) => ({ labels: { queue }, value: jobs })),
  );
  metrics.gauge(
    "conflux_backlog_oldest_age_seconds",
    "Seconds since the oldest job of each queue was queued (0 when it is empty).",
    ["queue"],
    async () =>
      (await backlog()).map(({ queue, oldestAgeSeconds }) => ({
        labels: { queue },
        value: oldestAgeSeconds,
      })),
  );
  if (!pool) return;
  timeConnections(metrics, pool);
  metrics.gauge(
    "conflux_db_pool_waiting",
    "Queries waiting for a database connection (PostgreSQL).",
    [],
    () => [{ labels: {}, value: pool.waitingCount }],
  );
  metrics.gauge(
    "conflux_db_pool_connections",
    "Database connections of this process, by state: idle or busy (PostgreSQL).",
    ["state"],
    () => [
      { labels: { state: "idle" }, value: pool.idleCount },
      { labels: { state: "busy" }, value: pool.totalCount - pool.idleCount },
    ],
  );
}

/** Times every wait for a pooled connection (near 0 while one is idle): its count and sum give waits and wait time. */
function timeConnections(metrics: Metrics, pool: pg.Pool): void {
  const acquire = metrics.histogram(
    "conflux_db_pool_acquire_seconds",
    "Time a query waited for a database connection (PostgreSQL).",
    [0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  );
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  // Kysely asks for connections by promise; a callback caller (none here) would go around the timing.
  pool.connect = ((...callback: unknown[]) => {
    if (callback.length) return (connect as (...args: unknown[]) => void)(...callback);
    const started = performance.now();
    return connect().then((client) => {
      acquire((performance.now() - started) / 1000);
      return client;
    });
  }) as typeof pool.connect;
}
