import type { Logger } from "pino";
import { loadConfig, startConflux } from "../conflux.ts";
import { createLogger } from "../logging/logger.ts";

/** `conflux serve`: logs for people on a terminal, JSON lines for a log collector otherwise. */
async function loggerFor(config: Parameters<typeof createLogger>[0]): Promise<Logger> {
  if (!process.stdout.isTTY) return createLogger(config);
  const { default: pretty } = await import("pino-pretty");
  return createLogger(
    config,
    pretty({ sync: true, colorize: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" }),
  );
}

/** The last lines of a start on a terminal: where to go and what to do first. */
function firstSteps(url: string): string {
  const studio = url.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//[::1]:");
  return [
    "",
    `Conflux is ready: open ${studio}/ in a browser, sign up, and build an app on the canvas.`,
    `  From a shell: eval "$(npx conflux login --email you@example.com --export)"   (an API key and token)`,
    "                npx conflux apps import docs/examples/cold-chain-alert.json   (README: a first app)",
    `  API reference: ${studio}/docs   ·   stop: Ctrl+C`,
    "",
  ].join("\n");
}

export async function serve(options: { port?: number; host?: string; dataDir?: string }): Promise<void> {
  const config = loadConfig(process.env, {
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host ? { host: options.host } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
  });
  const logger = await loggerFor(config);
  const conflux = await startConflux(config, logger);
  if (process.stdout.isTTY) process.stdout.write(`${firstSteps(conflux.url)}\n`);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, "stopping");
    await conflux.stop();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}
