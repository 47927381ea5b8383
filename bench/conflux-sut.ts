/**
 * Conflux as the system under test of the Node-RED comparison, in a process of its own: a fresh instance
 * (SQLite, or PostgreSQL and JetStream per `overrides`) running the pipeline app that posts to the sink.
 * The parent sends `start` (answered with the messages URL and the operator's headers), then `stop`.
 * With BENCH_PROFILE_DIR, V8's CPU profile from `start`'s answer to `stop` (warm-up and load, not start-up) is
 * written there as `conflux-<database>-<pid>.cpuprofile`, to read with `profile-summary.ts`.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import path from "node:path";
import type { ConfigInput } from "@conflux/server";
import { startBenchConflux } from "./bench-conflux.ts";
import { pipelineApp } from "./pipeline-round.ts";

export type ConfluxRequest = { type: "start"; sinkUrl: string; overrides: ConfigInput } | { type: "stop" };
export interface ConfluxStarted {
  url: string;
  headers: Record<string, string>;
}

/** The transform keeps the sequence number and scheduled send time, so the sink can time each event. */
const transform =
  '{"sensor": ${payload.sensor}, "celsius": ${payload.temp}, "seq": ${payload.seq}, "sentAt": ${payload.sentAt}}';

let bench: Awaited<ReturnType<typeof startBenchConflux>> | undefined;
const profileDir = process.env.BENCH_PROFILE_DIR;
const profiler = new Session();
let profileName = "";

process.on("message", async (request: ConfluxRequest) => {
  if (request.type === "start") {
    bench = await startBenchConflux({ outbound: { allowPrivateAddresses: true }, ...request.overrides });
    const app = await bench.post<{ appId: string }>(
      "/v1/apps",
      pipelineApp(`${request.sinkUrl}/hook`, transform),
    );
    const started: ConfluxStarted = {
      url: `${bench.conflux.url}/v1/apps/${app.appId}/channels/in/messages`,
      headers: bench.headers,
    };
    if (profileDir) {
      profileName = `conflux-${request.overrides.database?.kind ?? "sqlite"}-${process.pid}.cpuprofile`;
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.start");
    }
    process.send?.(started);
  } else {
    if (profileDir) {
      const { profile } = await profiler.post("Profiler.stop");
      writeFileSync(path.join(profileDir, profileName), JSON.stringify(profile));
    }
    await bench?.close();
    process.send?.({ ok: true });
    process.disconnect();
  }
});
