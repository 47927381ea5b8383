import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Refused } from "../src/runtime/admission.ts";
import { useContractDatabases } from "./databases.ts";
import { createDeviceFixture, dataOf } from "./device-fixture.ts";
import { type ApiSession, signUp, startTestConflux } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";

const { databases } = await useContractDatabases("backpressure");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function hookApp(session: ApiSession, url: string): Promise<string> {
  const created = await session.call("POST", "/v1/apps", {
    name: "slow receiver",
    channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }],
    actions: [{ actionId: "hook", channelId: "in", type: "webhook", config: { url } }],
  });
  expect(created.status).toBe(201);
  return created.body.appId;
}

describe.each(databases)("backpressure on %s", (_name, database) => {
  const sink = new HttpSink();
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  let sinkUrl: string;

  beforeAll(async () => {
    if (!database) return;
    // Two actions at a time against a receiver that takes a second: about 2 events/s drain.
    conflux = await startTestConflux({
      database,
      runtime: { concurrency: 2, maxTries: 3, retryBaseMs: 20, leaseMs: 30_000, pollMs: 20 },
      limits: { maxBacklogSeconds: 4 },
    });
    sinkUrl = await sink.start();
    sink.reply = () => ({ status: 200, delayMs: 1_000 });
  });
  afterAll(async () => {
    await conflux?.cleanUp();
    await sink.stop();
  });

  it.skipIf(!database)(
    "refuses the flooding operator with 429, then everyone with 503, with Retry-After, and loses nothing it accepted",
    async () => {
      const flooder = await signUp(conflux.url);
      const bystander = await signUp(conflux.url);
      const floodApp = await hookApp(flooder, `${sinkUrl}/flood`);
      const quietApp = await hookApp(bystander, `${sinkUrl}/quiet`);
      const send = (session: ApiSession, appId: string, n: number) =>
        fetch(`${conflux.url}/v1/apps/${appId}/channels/in/messages`, {
          method: "POST",
          headers: { ...session.headers, "content-type": "application/json" },
          body: JSON.stringify({ n }),
        });

      // The flooder sends until its own backlog (past 1 s, a quarter of the bound) is refused.
      const accepted: string[] = [];
      let refused: Response | undefined;
      for (let n = 0; n < 1_000 && !refused; n++) {
        const answer = await send(flooder, floodApp, n);
        if (answer.status === 202)
          accepted.push(((await answer.json()) as { executionId: string }).executionId);
        else refused = answer;
        await sleep(20);
      }
      if (!refused) throw new Error(`${accepted.length} events accepted, none refused`);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(((await refused.json()) as { code: string }).code).toBe("rate_limited");

      // Its backlog keeps aging; past half the bound (2 s) the bystander is refused too, with 503.
      // The bystander waits first: probing at once would age its own backlog past a quarter (429) in a
      // race with the flooder's passing half.
      await sleep(1_500);
      let bystanderAnswer = await send(bystander, quietApp, 0);
      const deadline = Date.now() + 20_000;
      const bystanderAccepted: string[] = [];
      while (bystanderAnswer.status === 202 && Date.now() < deadline) {
        bystanderAccepted.push(((await bystanderAnswer.json()) as { executionId: string }).executionId);
        await sleep(100);
        bystanderAnswer = await send(bystander, quietApp, 0);
      }
      expect(bystanderAnswer.status).toBe(503);
      expect(Number(bystanderAnswer.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(((await bystanderAnswer.json()) as { code: string }).code).toBe("overloaded");

      // Every accepted event is delivered once the receiver is quick again, and sources accept again.
      sink.reply = () => ({ status: 200 });
      const everyAccepted = [...accepted, ...bystanderAccepted];
      const delivered = await sink.waitFor(everyAccepted.length, 60_000);
      const deliveredRuns = new Set(
        delivered.map((request) => String(request.headers["idempotency-key"]).split(":")[0]),
      );
      for (const executionId of everyAccepted) expect(deliveredRuns).toContain(executionId);
      await sleep(600); // the next reading of the backlog
      expect((await send(flooder, floodApp, -1)).status).toBe(202);
    },
    90_000,
  );
});

describe("backpressure on the embedded MQTT broker", () => {
  let conflux: Awaited<ReturnType<typeof startTestConflux>>;
  beforeAll(async () => {
    conflux = await startTestConflux();
  });
  afterAll(() => conflux?.cleanUp());

  it("holds the PUBACK while the backlog is over its bound, then acknowledges, or closes the connection", async () => {
    const session = await signUp(conflux.url);
    const fixture = await createDeviceFixture(session);
    const { admission } = conflux.services;
    const admit = admission.admit;
    let overloadedUntil = Date.now() + 1_500;
    admission.admit = (operatorId, now = Date.now()) => {
      if (now < overloadedUntil) throw new Refused("overloaded", "catching up", 1);
      admit.call(admission, operatorId, now);
    };
    const client = await mqtt.connectAsync(
      `mqtt://127.0.0.1:${conflux.services.devices.listening.mqttPort}`,
      {
        clientId: `${fixture.deviceId}-held`,
        username: fixture.deviceId,
        password: fixture.secret,
        reconnectPeriod: 0,
      },
    );
    try {
      const topic = `devices/${fixture.deviceId}/data`;
      let acknowledged = false;
      const first = client.publishAsync(topic, JSON.stringify({ n: 1 }), { qos: 1 }).then(() => {
        acknowledged = true;
      });
      await sleep(800);
      expect(acknowledged).toBe(false);
      await first;
      expect(await dataOf(session, fixture.deviceId)).toEqual([{ n: 1 }]);

      // Still over the bound after the longest hold: the connection ends, nothing is stored.
      overloadedUntil = Number.POSITIVE_INFINITY;
      const closed = new Promise<number>((resolve) => client.once("close", () => resolve(Date.now())));
      const sentAt = Date.now();
      void client.publishAsync(topic, JSON.stringify({ n: 2 }), { qos: 1 }).catch(() => {});
      expect((await closed) - sentAt).toBeGreaterThanOrEqual(9_000);
      expect(await dataOf(session, fixture.deviceId)).toEqual([{ n: 1 }]);
    } finally {
      admission.admit = admit;
      await client.endAsync(true);
    }
  }, 30_000);
});
