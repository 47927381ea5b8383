import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";

/** Whether this process is the one that fires timers among the instances of an install. */
export interface Leadership {
  isLeader(): boolean;
  stop(): Promise<void>;
}

/** A single process (or instances without a shared bus, whose timer ticks dedupe by key) leads alone. */
export const soleLeader: Leadership = { isLeader: () => true, stop: async () => {} };

const key = "scheduler";

/**
 * A lease in a JetStream key-value bucket whose entries expire after `ttlMs`: whoever creates the key
 * leads and renews it by revision; when the leader dies its entry expires and another creates it.
 */
export async function startLeaderLease(
  connection: NatsConnection,
  bucket: string,
  holder: string,
  ttlMs: number,
  logger: Logger,
): Promise<Leadership> {
  const kv = await new Kvm(connection).create(bucket, { ttl: ttlMs, history: 1 });
  let revision: number | undefined;
  const renew = async () => {
    try {
      revision =
        revision === undefined ? await kv.create(key, holder) : await kv.update(key, holder, revision);
    } catch (error) {
      // Another holds the key (create), or took it after ours expired (update).
      if (revision !== undefined) logger.warn({ err: error }, "lost the scheduler's leader lease");
      revision = undefined;
    }
  };
  await renew();
  const timer = setInterval(() => void renew(), Math.max(100, ttlMs / 3));
  return {
    isLeader: () => revision !== undefined,
    async stop() {
      clearInterval(timer);
      // Handing over at once instead of after the entry expires.
      if (revision !== undefined) await kv.delete(key, { previousSeq: revision }).catch(() => {});
      revision = undefined;
    },
  };
}
