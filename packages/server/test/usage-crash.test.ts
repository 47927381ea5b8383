import { afterAll, describe, expect, it } from "vitest";
import { createPostgresSchema } from "./databases.ts";
import { type ApiSession, signUp } from "./harness.ts";
import { freePort, useServeProcess } from "./serve-process.ts";

// Slow suite: a real `conflux serve` process killed with SIGKILL while events pour in. An event is
// counted in the transaction that stores its run, so the count and the history agree after any crash.
const postgres = await createPostgresSchema();
afterAll(async () => postgres?.drop());

const variants: Array<[string, Record<string, string> | undefined]> = [
  ["SQLite", {}],
  [
    "PostgreSQL",
    postgres?.database.kind === "postgres" ? { CONFLUX_DATABASE_URL: postgres.database.url } : undefined,
  ],
];

/** Every run of the app, page by page. */
async function countRuns(session: ApiSession, appId: string): Promise<number> {
  let count = 0;
  let cursor: string | null = "";
  while (cursor !== null) {
    const page = await session.call(
      "GET",
      `/v1/apps/${appId}/runs?limit=100${cursor && `&cursor=${encodeURIComponent(cursor)}`}`,
    );
    expect(page.status, page.text).toBe(200);
    count += page.body.items.length;
    cursor = page.body.nextCursor;
  }
  return count;
}

describe.each(variants)("events counted on %s through a SIGKILL", (name, databaseEnv) => {
  const serve = useServeProcess(`usage-crash-${name}`);

  it.skipIf(!databaseEnv)(
    "equal the runs in the history after the restart",
    { timeout: 180_000 },
    async () => {
      const env = {
        CONFLUX_LOG_LEVEL: "warn",
        CONFLUX_MQTT_PORT: "0",
        CONFLUX_SOCKET_PORT: "0",
        ...databaseEnv,
      };
      const port = await freePort();
      const url = await serve.start(port, env);
      const session = await signUp(url);
      const { body: app } = await session.call("POST", "/v1/apps", {
        name: "crash",
        channels: [{ channelId: "in", eventSource: { type: "api", config: {} } }, { channelId: "out" }],
        actions: [
          {
            actionId: "forward",
            channelId: "in",
            type: "republish",
            config: {},
            output: { enabled: true, channelId: "out" },
          },
        ],
      });

      let accepted = 0;
      let sent = 0;
      const killAfter = 300;
      const sender = async () => {
        while (sent < 2_000) {
          sent++;
          try {
            const response = await session.call("POST", `/v1/apps/${app.appId}/channels/in/messages`, {
              sent,
            });
            if (response.status === 202) accepted++;
          } catch {
            return; // the server is gone: this message may or may not have been stored
          }
          if (accepted === killAfter) serve.kill();
        }
      };
      await Promise.all(Array.from({ length: 16 }, sender));
      expect(accepted).toBeGreaterThanOrEqual(killAfter);

      await serve.start(port, env);
      const runs = await countRuns(session, app.appId);
      // Messages cut off by the kill may have been stored without their answer: at least the accepted ones.
      expect(runs).toBeGreaterThanOrEqual(accepted);
      const usage = await session.call("GET", "/v1/usage");
      expect(usage.body.events.used).toBe(runs);
    },
  );
});
