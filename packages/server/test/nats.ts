import { randomBytes } from "node:crypto";
import { connect } from "@nats-io/transport-node";
import { afterAll } from "vitest";
import { removeNatsInstall } from "../src/bus/nats-bus.ts";

export const natsUrl = process.env.CONFLUX_TEST_NATS_URL ?? "nats://127.0.0.1:4222";

/** Whether a NATS server answers; under CI it must (.ci/run starts one with JetStream). */
export async function natsReachable(): Promise<boolean> {
  try {
    const connection = await connect({ servers: natsUrl, timeout: 3_000, reconnect: false });
    await connection.close();
    return true;
  } catch (error) {
    if (process.env.CI === "true")
      throw new Error(`NATS at ${natsUrl} is required under CI: ${String(error)}`);
    console.warn(`NATS at ${natsUrl} is unreachable; its suites are skipped (${String(error)})`);
    return false;
  }
}

/** Bus prefixes of their own for one test file, whose streams and buckets are removed after its tests. */
export function useNatsPrefixes(name: string): () => string {
  const made: string[] = [];
  afterAll(async () => {
    for (const prefix of made) await removeNatsInstall(natsUrl, prefix);
  });
  return () => {
    const prefix = `test_${name}_${process.pid}_${randomBytes(4).toString("hex")}`;
    made.push(prefix);
    return prefix;
  };
}
