import type { Aedes, Client } from "aedes";
import { commandTopic } from "./mqtt-topics.ts";

/** What aedes keeps on a client that its types do not show (aedes 1.x, lib/client.js). */
interface ClientInternals {
  subscriptions: Record<string, { qos: number } | undefined>;
  deliverQoS(packet: object, done: () => void): void;
  _parser?: { on(event: "packet", listener: (packet: { cmd: string; messageId?: number }) => void): void };
}

interface BrokerInternals {
  counter: number;
  persistence: {
    outgoingEnqueue(subscription: { clientId: string }, packet: object): Promise<void>;
    outgoingClearMessageId(client: Client, packet: { messageId: number }): Promise<unknown>;
  };
}

/** A client's publishes of ours that wait for their PUBACK, by packet id. */
interface AckState {
  nextId: number;
  waiting: Map<number, (acked: boolean) => void>;
}

/**
 * Commands to the devices connected to this embedded broker. aedes tells when it wrote a publish, not
 * when the device acknowledged it; a command counts as delivered only on its PUBACK, so each publish is
 * given its packet id here and the client's incoming PUBACKs are matched to it. Devices can subscribe to
 * their own commands topic only and commands are the only publishes they receive, so these ids are the
 * only ones in flight to a device's connection. A device subscribed at QoS 0 sends no PUBACK: a command
 * written to its open connection counts as delivered (at most once, as it asked).
 */
export function createMqttCommandDelivery(options: {
  broker: Aedes;
  deviceOf(client: Client): string | undefined;
  /** A device's connection here subscribes to its commands (or resumes a session that did). */
  onSubscribed(deviceId: string): void;
  ackTimeoutMs: number;
}) {
  const { broker, deviceOf } = options;
  const internalsOfBroker = broker as unknown as BrokerInternals;
  const subscribers = new Map<string, Set<Client>>();
  const acks = new WeakMap<Client, AckState>();

  const add = (client: Client, deviceId: string) => {
    const clients = subscribers.get(deviceId) ?? new Set<Client>();
    subscribers.set(deviceId, clients);
    clients.add(client);
    options.onSubscribed(deviceId);
  };
  const remove = (client: Client) => {
    const deviceId = deviceOf(client);
    const clients = deviceId ? subscribers.get(deviceId) : undefined;
    if (deviceId && clients?.delete(client) && clients.size === 0) subscribers.delete(deviceId);
  };
  const ackStateOf = (client: Client): AckState => {
    let state = acks.get(client);
    if (!state) {
      // Starting at a random id keeps ours apart from ids a resumed session's replays still carry.
      const created: AckState = { nextId: 1 + Math.floor(Math.random() * 65_535), waiting: new Map() };
      (client as unknown as ClientInternals)._parser?.on("packet", (packet) => {
        if (packet.cmd !== "puback" || packet.messageId === undefined) return;
        created.waiting.get(packet.messageId)?.(true);
      });
      acks.set(client, created);
      state = created;
    }
    return state;
  };

  broker.on("subscribe", (subscriptions, client) => {
    const deviceId = deviceOf(client);
    if (deviceId && subscriptions.some((subscription) => subscription.topic === commandTopic(deviceId)))
      add(client, deviceId);
  });
  broker.on("clientReady", (client) => {
    // A kept session (clean session 0) comes back with its subscriptions and sends no SUBSCRIBE.
    const deviceId = deviceOf(client);
    if (deviceId && (client as unknown as ClientInternals).subscriptions[commandTopic(deviceId)])
      add(client, deviceId);
  });
  broker.on("unsubscribe", (topics, client) => {
    const deviceId = deviceOf(client);
    if (deviceId && topics.includes(commandTopic(deviceId))) remove(client);
  });
  broker.on("clientDisconnect", (client) => {
    remove(client);
    for (const settle of acks.get(client)?.waiting.values() ?? []) settle(false);
  });

  /** One QoS 1 publish to one connection; true on its PUBACK, false when it closes or time runs out. */
  function publishAwaitingAck(client: Client, deviceId: string, payload: Buffer): Promise<boolean> {
    // Gone since it was listed: its disconnect has settled what waited, nothing would settle this one.
    if (client.closed || !client.connected) return Promise.resolve(false);
    const internals = client as unknown as ClientInternals;
    if (internals.subscriptions[commandTopic(deviceId)]?.qos === 0)
      return publishOnce(client, deviceId, payload);
    const state = ackStateOf(client);
    const messageId = state.nextId;
    state.nextId = (state.nextId % 65_535) + 1;
    const packet = {
      cmd: "publish",
      topic: commandTopic(deviceId),
      payload,
      qos: 1,
      retain: false,
      dup: false,
      messageId,
      brokerId: broker.id,
      brokerCounter: ++internalsOfBroker.counter,
    };
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => settle(false), options.ackTimeoutMs);
      const settle = (acked: boolean) => {
        clearTimeout(timer);
        if (state.waiting.get(messageId) === settle) state.waiting.delete(messageId);
        // The outbox sends an unacknowledged command again: a kept session's queue must not also keep (and
        // replay on reconnect) this copy, nor gather one more each time a silent device lets time run out.
        if (!acked && !client.clean)
          void internalsOfBroker.persistence.outgoingClearMessageId(client, { messageId }).catch(() => {});
        resolve(acked);
      };
      state.waiting.set(messageId, settle);
      // aedes updates a kept session's queued packet when it writes it: it must be queued first.
      if (client.clean) internals.deliverQoS(packet, () => {});
      else
        internalsOfBroker.persistence.outgoingEnqueue({ clientId: client.id }, packet).then(
          () => internals.deliverQoS(packet, () => {}),
          () => settle(false),
        );
    });
  }

  /** A QoS 0 publish: true once written while the connection is still open. */
  function publishOnce(client: Client, deviceId: string, payload: Buffer): Promise<boolean> {
    const packet = {
      cmd: "publish",
      topic: commandTopic(deviceId),
      payload,
      qos: 0,
      retain: false,
      dup: false,
      brokerId: broker.id,
      brokerCounter: ++internalsOfBroker.counter,
    };
    return new Promise<boolean>((resolve) =>
      (client as unknown as ClientInternals).deliverQoS(packet, () =>
        resolve(client.connected && !client.closed),
      ),
    );
  }

  return {
    /** Whether the device has a connection here subscribed to its commands. */
    has(deviceId: string): boolean {
      return subscribers.has(deviceId);
    },
    /** Devices subscribed to their commands on this broker. */
    subscribedDevices(): string[] {
      return [...subscribers.keys()];
    },
    /** Publishes a command to the device's subscribed connections here; true once one acknowledged it. */
    async deliver(deviceId: string, payload: Buffer): Promise<boolean> {
      const clients = [...(subscribers.get(deviceId) ?? [])];
      if (clients.length === 0) return false;
      const acked = await Promise.all(clients.map((client) => publishAwaitingAck(client, deviceId, payload)));
      return acked.includes(true);
    },
  };
}

export type MqttCommandDelivery = ReturnType<typeof createMqttCommandDelivery>;
