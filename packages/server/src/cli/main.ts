import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { loadConfig, startConflux } from "../conflux.ts";
import { createLogger } from "../logging/logger.ts";
import { type ApiClient, connect } from "./client.ts";
import { parseRate, type SimulatedProtocol, simulate } from "./simulate.ts";

const usage = `Usage:
  conflux serve [--port N] [--host H] [--data-dir DIR]   start Conflux (embedded default: SQLite in ./.conflux/)
  conflux apps list                                      list your apps
  conflux apps import <file.json|file.yaml> [--dry-run] [--disabled] [--replace <appId>]
                                                         import an app (Conflux or SORACOM Flux export):
                                                         only check it, import it turned off, or save
                                                         it as the next version of an app
  conflux apps export <appId> [--format json|yaml] [--include-secrets]
                                                         print an app (secrets read <redacted> unless asked)
  conflux send <appId> <channelId> <json>                send a message into a channel
  conflux simulate [--devices 100] [--rate 10/s] [--protocol mqtt|http|udp] [--duration 60]
                   [--group <groupId>] [--mqtt-url mqtt://host:1884] [--udp-port 23080]
                                                         register devices and send sensor readings

The commands other than serve talk to CONFLUX_URL (default http://127.0.0.1:8480) as
CONFLUX_EMAIL/CONFLUX_PASSWORD, or with CONFLUX_API_KEY/CONFLUX_TOKEN.`;

async function print(response: Response): Promise<void> {
  const text = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${text}`);
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { port: { type: "string" }, host: { type: "string" }, "data-dir": { type: "string" } },
  });
  const config = loadConfig(process.env, {
    ...(values.port ? { port: Number(values.port) } : {}),
    ...(values.host ? { host: values.host } : {}),
    ...(values["data-dir"] ? { dataDir: values["data-dir"] } : {}),
  });
  const logger = createLogger(config);
  const conflux = await startConflux(config, logger);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, "stopping");
    await conflux.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

async function apps(client: ApiClient, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: "string" },
      "dry-run": { type: "boolean" },
      disabled: { type: "boolean" },
      replace: { type: "string" },
      "include-secrets": { type: "boolean" },
    },
  });
  const [command, target] = positionals;
  if (command === "list") return print(await client.request("GET", "/v1/apps"));
  if (command === "import" && target) {
    const yaml = /\.ya?ml$/i.test(target);
    const query = new URLSearchParams({
      ...(values["dry-run"] ? { dryRun: "true" } : {}),
      ...(values.disabled ? { enabled: "false" } : {}),
      ...(values.replace ? { mode: "replace", appId: values.replace } : {}),
    });
    return print(
      await client.request(
        "POST",
        `/v1/apps/import${query.size ? `?${query}` : ""}`,
        await readFile(target, "utf8"),
        yaml ? "application/yaml" : "application/json",
      ),
    );
  }
  if (command === "export" && target) {
    const format = values.format === "yaml" ? "yaml" : "json";
    const secrets = values["include-secrets"] ? "&includeSecrets=true" : "";
    return print(
      await client.request("GET", `/v1/apps/${encodeURIComponent(target)}/export?format=${format}${secrets}`),
    );
  }
  throw new Error(usage);
}

async function send(client: ApiClient, [appId, channelId, json]: string[]): Promise<void> {
  if (!appId || !channelId || json === undefined) throw new Error(usage);
  JSON.parse(json);
  const path = `/v1/apps/${encodeURIComponent(appId)}/channels/${encodeURIComponent(channelId)}/messages`;
  return print(await client.request("POST", path, json));
}

async function runSimulation(client: ApiClient, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      devices: { type: "string", default: "100" },
      rate: { type: "string", default: "10/s" },
      protocol: { type: "string", default: "mqtt" },
      duration: { type: "string" },
      group: { type: "string" },
      "mqtt-url": { type: "string" },
      "udp-port": { type: "string", default: "23080" },
    },
  });
  const protocol = values.protocol as SimulatedProtocol;
  if (!["mqtt", "http", "udp"].includes(protocol)) throw new Error("--protocol is mqtt, http or udp");
  const devices = Number(values.devices);
  if (!Number.isInteger(devices) || devices < 1 || devices > 100_000)
    throw new Error("--devices is 1 to 100000");
  const durationSeconds = values.duration === undefined ? undefined : Number(values.duration);
  // Number("1m") is NaN, and a NaN end time would end the run before its first message.
  if (durationSeconds !== undefined && !(durationSeconds > 0))
    throw new Error("--duration is a number of seconds above 0");
  const udpPort = Number(values["udp-port"]);
  if (!Number.isInteger(udpPort) || udpPort < 1 || udpPort > 65_535)
    throw new Error("--udp-port is 1 to 65535");
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  await simulate(
    client,
    {
      devices,
      rate: parseRate(values.rate),
      protocol,
      ...(durationSeconds === undefined ? {} : { durationSeconds }),
      ...(values.group ? { groupId: values.group } : {}),
      mqttUrl: values["mqtt-url"] ?? `mqtt://${new URL(client.baseUrl).hostname}:1884`,
      udpPort,
      log: (line) => process.stdout.write(`${line}\n`),
    },
    controller.signal,
  );
}

async function main([command, ...args]: string[]): Promise<void> {
  switch (command) {
    case "serve":
      return serve(args);
    case "apps":
      return apps(await connect(process.env), args);
    case "send":
      return send(await connect(process.env), args);
    case "simulate":
      return runSimulation(await connect(process.env), args);
    default:
      process.stdout.write(`${usage}\n`);
      if (command && command !== "help" && command !== "--help") process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`conflux: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
