/**
 * The systems the Node-RED comparison runs the pipeline on, each started fresh for a round in a process of its
 * own: Conflux on SQLite, on PostgreSQL (a schema of its own), on PostgreSQL with JetStream as its bus (a stream
 * prefix of its own), and Node-RED.
 */
import type { ChildProcess } from "node:child_process";
import type { ConfigInput } from "@conflux/server";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import pg from "pg";
import type { ConfluxRequest, ConfluxStarted } from "./conflux-sut.ts";
import { ask, forkChild } from "./fork-child.ts";
import { startNodeRed } from "./node-red-flow.ts";
import { processCpuMs } from "./process-cpu.ts";

export interface RunningSystem {
  url: string;
  headers: Record<string, string>;
  /** The process whose CPU time is counted. */
  pid: number;
  /** PostgreSQL's backends serving this system: CPU ms since they were first seen (sampled; 0 without). */
  databaseCpuMs(): Promise<number>;
  close(): Promise<void>;
}

export interface SystemUnderTest {
  name: string;
  start(sinkUrl: string): Promise<RunningSystem>;
}

export interface Services {
  postgresUrl: string;
  natsUrl: string;
  /** PostgreSQL connections per Conflux process; Conflux's default when absent. */
  poolSize?: number | undefined;
}

const randomSuffix = () => `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

/**
 * Sums the CPU time of the backends whose application_name is `tag` since the first call, remembering
 * those that already left. A backend first seen later started after the call before (the pool grows under
 * load): all its CPU counts, not only what it burnt after it was first seen.
 */
function backendCpu(postgresUrl: string, tag: string) {
  const baseline = new Map<number, number>();
  const latest = new Map<number, number>();
  let firstCall = true;
  return async (): Promise<number> => {
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ pid: number }>(
        "select pid from pg_stat_activity where application_name = $1",
        [tag],
      );
      for (const { pid } of rows) {
        const cpu = processCpuMs(pid);
        if (!baseline.has(pid)) baseline.set(pid, firstCall ? cpu : 0);
        latest.set(pid, cpu);
      }
      firstCall = false;
    } finally {
      await admin.end();
    }
    let total = 0;
    for (const [pid, cpu] of latest) total += cpu - (baseline.get(pid) ?? cpu);
    return total;
  };
}

async function startConfluxProcess(sinkUrl: string, overrides: ConfigInput) {
  const child: ChildProcess = forkChild("./conflux-sut.ts");
  const request: ConfluxRequest = { type: "start", sinkUrl, overrides };
  const started = await ask<ConfluxStarted>(child, request);
  return {
    ...started,
    pid: child.pid ?? 0,
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      await ask(child, { type: "stop" } satisfies ConfluxRequest);
      await exited;
    },
  };
}

export const confluxSqlite: SystemUnderTest = {
  name: "Conflux SQLite",
  async start(sinkUrl) {
    const conflux = await startConfluxProcess(sinkUrl, {});
    return { ...conflux, databaseCpuMs: async () => 0, close: conflux.stop };
  },
};

/** Conflux on PostgreSQL in a schema of its own; with `natsUrl`, JetStream (a fresh prefix) as the bus. */
function confluxPostgres(name: string, services: Services, withJetStream: boolean): SystemUnderTest {
  return {
    name,
    async start(sinkUrl) {
      const suffix = randomSuffix();
      const schema = `conflux_bench_${suffix}`;
      const tag = `conflux_bench_${suffix}`;
      const admin = new pg.Client({ connectionString: services.postgresUrl });
      await admin.connect();
      await admin.query(`create schema ${schema}`);
      const dropSchema = async () => {
        await admin.query(`drop schema ${schema} cascade`);
        await admin.end();
      };
      const separator = services.postgresUrl.includes("?") ? "&" : "?";
      const url = `${services.postgresUrl}${separator}application_name=${tag}&options=${encodeURIComponent(`-c search_path=${schema}`)}`;
      const prefix = `bench_${suffix}`;
      const overrides: ConfigInput = {
        database: { kind: "postgres", url, poolSize: services.poolSize },
        ...(withJetStream ? { bus: { url: services.natsUrl, prefix } } : {}),
      };
      let conflux: Awaited<ReturnType<typeof startConfluxProcess>>;
      try {
        conflux = await startConfluxProcess(sinkUrl, overrides);
      } catch (error) {
        await dropSchema();
        throw error;
      }
      const databaseCpuMs = backendCpu(services.postgresUrl, tag);
      await databaseCpuMs();
      return {
        ...conflux,
        databaseCpuMs,
        async close() {
          await conflux.stop();
          await dropSchema();
          if (withJetStream) await removeStreams(services.natsUrl, prefix);
        },
      };
    },
  };
}

/** Removes a round's JetStream streams (the jobs and the leader bucket of its prefix), as the server's tests do. */
async function removeStreams(natsUrl: string, prefix: string) {
  const connection = await connect({ servers: natsUrl });
  try {
    const manager = await jetstreamManager(connection);
    for (const stream of [`${prefix}_jobs`, `KV_${prefix}_leader`])
      await manager.streams.delete(stream).catch(() => false);
  } finally {
    await connection.close();
  }
}

/** The NATS server's version, for the results. */
export async function natsVersion(natsUrl: string): Promise<string> {
  const connection = await connect({ servers: natsUrl });
  try {
    return connection.info?.version ?? "?";
  } finally {
    await connection.close();
  }
}

export const nodeRed: SystemUnderTest = {
  name: "Node-RED",
  async start(sinkUrl) {
    const running = await startNodeRed(`${sinkUrl}/hook`);
    return { ...running, headers: {}, databaseCpuMs: async () => 0 };
  },
};

export function systemsUnderTest(services: Services): Record<string, SystemUnderTest> {
  return {
    sqlite: confluxSqlite,
    postgres: confluxPostgres("Conflux PostgreSQL", services, false),
    jetstream: confluxPostgres("Conflux PostgreSQL + JetStream", services, true),
    "node-red": nodeRed,
  };
}
