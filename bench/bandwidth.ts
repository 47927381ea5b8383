/**
 * What bandwidth control costs an ingested message: the door's check with each process leasing bytes from
 * the shared bucket in chunks (what Conflux does) next to no lease (chunk 0: every message reaches the
 * shared buckets, still batched across buckets within an event-loop turn), on SQLite and
 * PostgreSQL, with 32 messages in flight: for one device (every take on one row) and for 1,000 devices of
 * one operator (each message takes from its device's bucket and the operator's). By default limits are
 * high enough that every take is granted: the granted path is the one every accepted message pays; the
 * share refused is printed for lower ones. Rounds alternate
 * between the cases; medians are printed, with round trips to the database per message.
 *
 *   npm run bandwidth -w @conflux/bench   # BENCH_TAKES=20000 BENCH_ROUNDS=5 BENCH_IN_FLIGHT=32
 *   BENCH_DEVICE_RATE, BENCH_OPERATOR_RATE (bytes a second), BENCH_MESSAGE_BYTES (200) for other limits
 *   CONFLUX_TEST_POSTGRES_URL=postgres://… to choose the PostgreSQL server (default: the test one)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import pg from "pg";
import { openDatabase } from "../packages/server/src/conflux.ts";
import { Refused } from "../packages/server/src/runtime/admission.ts";
import { bandwidthCheck } from "../packages/server/src/runtime/bandwidth-check.ts";
import { BandwidthBuckets, type BucketTakeRequest } from "../packages/server/src/store/bandwidth-buckets.ts";
import { BandwidthLeases } from "../packages/server/src/store/bandwidth-leases.ts";
import type { Database } from "../packages/server/src/store/schema.ts";
import { median } from "./statistics.ts";

const takes = Number(process.env.BENCH_TAKES ?? 20_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 32);
const postgresUrl = process.env.CONFLUX_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const messageBytes = Number(process.env.BENCH_MESSAGE_BYTES ?? 200);
// By default 10 MB/s a device and 1 GB/s an operator: never refused at the pace of one process.
const rates = {
  perDevice: Number(process.env.BENCH_DEVICE_RATE ?? 10_000_000),
  perOperator: Number(process.env.BENCH_OPERATOR_RATE ?? 1_000_000_000),
};

class CountedBuckets extends BandwidthBuckets {
  roundTrips = 0;
  override takeMany(takes: readonly BucketTakeRequest[]) {
    this.roundTrips++;
    return super.takeMany(takes);
  }
}

interface Sample {
  /** Messages checked a second. */
  perSecond: number;
  roundTripsPerMessage: number;
  /** Of the messages checked, the share refused. */
  refusedShare: number;
}

async function time(db: Kysely<Database>, chunkSeconds: number, devices: number): Promise<Sample> {
  const buckets = new CountedBuckets(db);
  const check = bandwidthCheck({
    ratesOf: async () => rates,
    leases: new BandwidthLeases(buckets, chunkSeconds),
  });
  const operatorId = `OP${Math.random().toString().slice(2, 12)}`;
  let next = 0;
  let refused = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < takes) {
        const index = next++;
        const event = {
          operatorId,
          source: "device" as const,
          deviceId: `d${index % devices}`,
          bytes: messageBytes,
          startsRun: true,
        };
        try {
          await check(event, Date.now());
        } catch (error) {
          if (!(error instanceof Refused)) throw error;
          refused++;
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    perSecond: takes / seconds,
    roundTripsPerMessage: buckets.roundTrips / takes,
    refusedShare: refused / takes,
  };
}

const dir = mkdtempSync(path.join(tmpdir(), "conflux-bench-bandwidth-"));
const schema = `conflux_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: postgresUrl });
await admin.connect();
await admin.query(`create schema ${schema}`);
const url = `${postgresUrl}${postgresUrl.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
const sqlite = await openDatabase({ kind: "sqlite", file: path.join(dir, "bench.db") }, dir);
const postgres = await openDatabase({ kind: "postgres", url }, dir);
try {
  const cases = [sqlite, postgres].flatMap((opened, index) =>
    [1, 1_000].flatMap((devices) =>
      [0.1, 0].map((chunk) => ({
        name: `${index === 0 ? "SQLite" : "PostgreSQL"}, ${devices} device(s), ${chunk ? "leased chunks" : "no lease (chunk 0)"}`,
        run: () => time(opened.db, chunk, devices),
      })),
    ),
  );
  for (const each of cases) await each.run();
  const samples = new Map<string, Sample[]>(cases.map((each) => [each.name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const each of cases) samples.get(each.name)?.push(await each.run());
    console.error(`round ${round} of ${rounds}`);
  }
  console.table(
    Object.fromEntries(
      cases.map((each) => {
        const taken = samples.get(each.name) ?? [];
        return [
          each.name,
          {
            "messages/s": Math.round(median(taken.map((sample) => sample.perSecond))),
            "round trips/message": Number(
              median(taken.map((sample) => sample.roundTripsPerMessage)).toFixed(3),
            ),
            refused: Number(median(taken.map((sample) => sample.refusedShare)).toFixed(3)),
          },
        ];
      }),
    ),
  );
} finally {
  await sqlite.db.destroy();
  await postgres.db.destroy();
  await admin.query(`drop schema ${schema} cascade`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
