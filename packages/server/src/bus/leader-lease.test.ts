import { connect, type NatsConnection } from "@nats-io/transport-node";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { natsReachable, natsUrl, useNatsPrefixes } from "../../test/nats.ts";
import { type Leadership, startLeaderLease } from "./leader-lease.ts";
import { natsNames } from "./nats-bus.ts";

const reachable = await natsReachable();
const bucket = natsNames(useNatsPrefixes("lease")()).leaderBucket;
const logger = pino({ level: "silent" });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A lease long enough that renewals keep it on a loaded machine; hand-overs are waited for, not timed. */
const leaseMs = 3_000;

async function until(condition: () => boolean, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition() && Date.now() < deadline) await sleep(100);
}

describe("the scheduler's leader lease in JetStream", () => {
  const connections: NatsConnection[] = [];
  const leases: Leadership[] = [];
  beforeAll(async () => {
    if (!reachable) return;
    // Two instances, each with its connection, as two processes would have.
    for (const holder of ["one", "two"]) {
      const connection = await connect({ servers: natsUrl });
      connections.push(connection);
      leases.push(await startLeaderLease(connection, bucket, holder, leaseMs, logger));
    }
  });
  afterAll(async () => {
    for (const lease of leases) await lease.stop();
    for (const connection of connections) await connection.close();
  });

  it.skipIf(!reachable)(
    "has one leader; a stopped leader hands over, a dead one after its lease ends",
    async () => {
      const [one, two] = leases;
      if (!one || !two) throw new Error("no leases");
      expect(one.isLeader()).toBe(true);
      expect(two.isLeader()).toBe(false);
      await sleep(1_000); // renewals keep it
      expect([one.isLeader(), two.isLeader()]).toEqual([true, false]);

      await one.stop();
      await until(() => two.isLeader(), 4 * leaseMs);
      expect([one.isLeader(), two.isLeader()]).toEqual([false, true]);

      // The leader's process dies: its connection closes without a word, and its entry expires.
      await connections[1]?.close();
      const third = await startLeaderLease(
        connections[0] as NatsConnection,
        bucket,
        "three",
        leaseMs,
        logger,
      );
      leases.push(third);
      expect(third.isLeader()).toBe(false);
      await until(() => third.isLeader(), 4 * leaseMs);
      expect(third.isLeader()).toBe(true);
    },
    60_000,
  );
});
