import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConfigInput } from "../src/conflux.ts";
import { createPostgresSchema } from "./databases.ts";
import { signUp, startTestConflux, waitForRun } from "./harness.ts";
import { HttpSink } from "./http-sink.ts";
import { natsReachable, natsUrl, useNatsPrefixes } from "./nats.ts";

// Scale-out shape: two Conflux processes' worth of API and workers on one PostgreSQL database, sharing
// the work through its queue tables or through JetStream.
const withNats = await natsReachable();
const newPrefix = useNatsPrefixes("pg");
const sink = new HttpSink();
let sinkUrl: string;
beforeAll(async () => {
  sinkUrl = await sink.start();
});
afterAll(async () => sink.stop());

type Schema = Awaited<ReturnType<typeof createPostgresSchema>>;
const buses: Array<[string, () => ConfigInput["bus"] | undefined, Schema]> = [
  ["the queue tables", () => undefined, await createPostgresSchema()],
  [
    "JetStream",
    () => ({ url: natsUrl, prefix: newPrefix() }),
    withNats ? await createPostgresSchema() : undefined,
  ],
];

describe.each(buses)(
  "two instances on one PostgreSQL database, sharing work through %s",
  (_name, bus, postgres) => {
    const secretKey = randomBytes(32).toString("base64");
    let first: Awaited<ReturnType<typeof startTestConflux>>;
    let second: Awaited<ReturnType<typeof startTestConflux>>;

    beforeAll(async () => {
      if (!postgres) return;
      const settings = { database: postgres.database, secretKey, bus: bus() };
      first = await startTestConflux(settings);
      second = await startTestConflux(settings);
    });

    afterAll(async () => {
      await first?.cleanUp();
      await second?.cleanUp();
      await postgres?.drop();
    });

    it.skipIf(!postgres)(
      "share accounts and apps, and run every action of every message exactly once in the history",
      async () => {
        sink.received.length = 0;
        sink.reply = () => ({ status: 200, delayMs: 20 });
        const session = await signUp(first.url);
        await session.call("PUT", "/v1/credentials/t", {
          type: "api-token",
          credentials: { token: "shared-secret" },
        });
        const created = await session.call("POST", "/v1/apps", {
          name: "scale-out",
          channels: [{ channelId: "in" }, { channelId: "out" }],
          actions: [
            {
              actionId: "shape",
              channelId: "in",
              type: "republish",
              config: {},
              output: { enabled: true, channelId: "out" },
            },
            {
              actionId: "hook",
              channelId: "out",
              type: "webhook",
              config: { url: `${sinkUrl}/pg`, auth: { type: "bearer", credentialsId: "t" } },
            },
          ],
        });
        expect(created.status, created.text).toBe(201);
        const appId = created.body.appId;

        const runIds: string[] = [];
        for (let n = 0; n < 60; n++) {
          const target = n % 2 ? first.url : second.url;
          const response = await fetch(`${target}/v1/apps/${appId}/channels/in/messages`, {
            method: "POST",
            headers: { "content-type": "application/json", ...session.headers },
            body: JSON.stringify({ n }),
          });
          expect(response.status).toBe(202);
          runIds.push(((await response.json()) as { executionId: string }).executionId);
        }
        for (const runId of runIds) {
          const run = await waitForRun(session, appId, runId);
          expect(
            run.steps
              .map((step: { actionId: string; status: string }) => `${step.actionId}:${step.status}`)
              .sort(),
          ).toEqual(["hook:completed", "shape:completed"]);
        }
        const keys = sink.received.map((request) => request.headers["idempotency-key"]);
        expect(new Set(keys).size).toBe(runIds.length);
        expect(
          sink.received.every((request) => request.headers.authorization === "Bearer shared-secret"),
        ).toBe(true);
      },
    );
  },
);
