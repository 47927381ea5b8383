import { readFile } from "node:fs/promises";
import { Command, type CommanderError, InvalidArgumentError, Option } from "commander";
import packageJson from "../../package.json" with { type: "json" };
import type { ListPage } from "../api/list-envelope.ts";
import { type ApiClient, baseUrlOf, connect, logIn } from "./client.ts";
import { CliError, exitCodes } from "./errors.ts";
import { type Column, fields, type OutputFormat, outputFormats, render, table } from "./output.ts";
import { readPassword } from "./password.ts";
import type { SimulatedProtocol } from "./simulate.ts";

/**
 * `conflux`: one module per job — this one only declares the commands and their arguments. Nothing
 * of the server is imported here: `serve` and `simulate` load theirs when they run, so `--version`
 * and `--help` answer at once.
 */

interface App {
  appId: string;
  name: string;
  version?: number;
  channels: unknown[];
  actions: { enabled: boolean }[];
  updatedAt?: number;
}

const appColumns: Column<App>[] = [
  { header: "APP ID", value: (app) => app.appId },
  { header: "NAME", value: (app) => app.name },
  { header: "VERSION", value: (app) => app.version },
  { header: "CHANNELS", value: (app) => app.channels.length },
  {
    header: "ACTIONS",
    value: (app) => `${app.actions.filter((action) => action.enabled).length}/${app.actions.length} on`,
  },
  { header: "UPDATED", value: (app) => (app.updatedAt ? new Date(app.updatedAt).toISOString() : "") },
];

const print = (text: string) => process.stdout.write(text);

function integer(min: number, max: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return value;
  };
}

function positiveNumber(text: string): number {
  const value = Number(text);
  // Number("1m") is NaN, and a NaN end time would end a simulation before its first message.
  if (!(value > 0)) throw new InvalidArgumentError("expected a number above 0");
  return value;
}

function json(text: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch (error) {
    throw new InvalidArgumentError(`not JSON (${(error as Error).message})`);
  }
}

/** `--output table|json|yaml` on a command that prints what the server answered. */
function withOutput(command: Command): Command {
  return command.addOption(
    new Option("-o, --output <format>", "how to print the answer").choices(outputFormats).default("table"),
  );
}

function appsCommand(client: () => Promise<ApiClient>): Command {
  const apps = new Command("apps").description("list, import and export apps");
  withOutput(apps.command("list").description("list your apps")).action(
    async (options: { output: OutputFormat }) => {
      // `-o json` prints the apps themselves, not the API's {items, nextCursor} envelope around them.
      const list = (JSON.parse(await (await client()).call("GET", "/v1/apps")) as ListPage<App>).items;
      print(await render(list, options.output, () => table(list, appColumns)));
    },
  );
  withOutput(
    apps
      .command("import")
      .description("import an app from a Conflux or SORACOM Flux export (JSON or YAML)")
      .argument("<file>", "the export, .json or .yaml")
      .option("--dry-run", "only check it; nothing is saved")
      .option("--disabled", "import it with its actions turned off")
      .option("--replace <appId>", "save it as the next version of this app"),
  ).action(
    async (
      file: string,
      options: { dryRun?: boolean; disabled?: boolean; replace?: string; output: OutputFormat },
    ) => {
      const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw new CliError(
          `cannot read ${file}: ${error.code === "ENOENT" ? "no such file" : error.message}`,
        );
      });
      const query = new URLSearchParams({
        ...(options.dryRun ? { dryRun: "true" } : {}),
        ...(options.disabled ? { enabled: "false" } : {}),
        ...(options.replace ? { mode: "replace", appId: options.replace } : {}),
      });
      const contentType = /\.ya?ml$/i.test(file) ? "application/yaml" : "application/json";
      const path = `/v1/apps/import${query.size ? `?${query}` : ""}`;
      const answer = JSON.parse(await (await client()).call("POST", path, text, contentType));
      print(
        await render(answer, options.output, () =>
          answer.dryRun
            ? `checked, nothing saved:\n${table([answer.app as App], appColumns.slice(1))}`
            : table([answer as App], appColumns),
        ),
      );
    },
  );
  apps
    .command("export")
    .description("print an app as a file to import again (secrets read <redacted> unless asked)")
    .argument("<appId>", "the app")
    .addOption(new Option("--format <format>", "file format").choices(["json", "yaml"]).default("json"))
    .option("--include-secrets", "include the credentials' secrets")
    .action(async (appId: string, options: { format: string; includeSecrets?: boolean }) => {
      const secrets = options.includeSecrets ? "&includeSecrets=true" : "";
      const path = `/v1/apps/${encodeURIComponent(appId)}/export?format=${options.format}${secrets}`;
      const text = await (await client()).call("GET", path);
      print(text.endsWith("\n") ? text : `${text}\n`);
    });
  return apps;
}

function loginCommand(): Command {
  return withOutput(
    new Command("login")
      .summary("print an API key and token for the CLI and the API")
      .description(
        "log in with your email and password and print a new API key and token, for the other commands " +
          "and for the X-Conflux-API-Key and X-Conflux-Token headers of the API",
      )
      .option("--email <email>", "the operator's email (default: CONFLUX_EMAIL)")
      .option("--export", 'print shell lines instead: eval "$(conflux login --export)"')
      .option(
        "--token-timeout <seconds>",
        "how long the token lasts (default one day)",
        integer(180, 2_592_000),
      ),
  ).action(
    async (options: { email?: string; export?: boolean; tokenTimeout?: number; output: OutputFormat }) => {
      const email = options.email ?? process.env.CONFLUX_EMAIL;
      if (!email) throw new CliError("missing the email: pass --email or set CONFLUX_EMAIL", exitCodes.usage);
      const password = process.env.CONFLUX_PASSWORD ?? (await readPassword(`password for ${email}: `));
      const baseUrl = baseUrlOf(process.env);
      const { apiKey, token, operatorId } = await logIn(baseUrl, email, password, options.tokenTimeout);
      if (options.export) {
        const quote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`;
        print(
          `export CONFLUX_URL=${quote(baseUrl)} CONFLUX_API_KEY=${quote(apiKey)} CONFLUX_TOKEN=${quote(token)}\n`,
        );
        return;
      }
      const credentials = { apiKey, token, ...(operatorId ? { operatorId } : {}) };
      print(
        await render(credentials, options.output, () =>
          fields(credentials).concat(
            "\nSend them as the X-Conflux-API-Key and X-Conflux-Token headers, or let the CLI use them:\n",
            '  eval "$(conflux login --export)"\n',
          ),
        ),
      );
    },
  );
}

function sendCommand(client: () => Promise<ApiClient>): Command {
  return withOutput(
    new Command("send")
      .description("send a message into a channel; prints the run's executionId")
      .argument("<appId>", "the app")
      .argument("<channelId>", "the channel")
      .argument("<json>", "the message, as JSON", json),
  ).action(async (appId: string, channelId: string, message: string, options: { output: OutputFormat }) => {
    const path = `/v1/apps/${encodeURIComponent(appId)}/channels/${encodeURIComponent(channelId)}/messages`;
    const answer = JSON.parse(await (await client()).call("POST", path, message));
    print(await render(answer, options.output, () => fields(answer)));
  });
}

function simulateCommand(client: () => Promise<ApiClient>): Command {
  return new Command("simulate")
    .summary("register devices and send them sensor readings")
    .description("register devices and send them sensor readings until stopped (Ctrl+C) or --duration")
    .option("--devices <n>", "how many devices", integer(1, 100_000), 100)
    .option("--rate <rate>", "messages per second or minute of all devices together: 10/s, 600/min", "10/s")
    .addOption(
      new Option("--protocol <protocol>", "how devices send")
        .choices(["mqtt", "http", "udp"])
        .default("mqtt"),
    )
    .option("--duration <seconds>", "stop after this many seconds", positiveNumber)
    .option("--group <groupId>", "register the devices in this group (default: a new one)")
    .option("--mqtt-url <url>", "the MQTT broker (default: mqtt://<CONFLUX_URL's host>:1884)")
    .option("--udp-port <port>", "the UDP listener's port", integer(1, 65_535), 23_080)
    .action(
      async (options: {
        devices: number;
        rate: string;
        protocol: SimulatedProtocol;
        duration?: number;
        group?: string;
        mqttUrl?: string;
        udpPort: number;
      }) => {
        const { parseRate, simulate } = await import("./simulate.ts");
        let rate: number;
        try {
          rate = parseRate(options.rate);
        } catch (error) {
          throw new CliError((error as Error).message, exitCodes.usage);
        }
        const api = await client();
        const controller = new AbortController();
        process.once("SIGINT", () => controller.abort());
        await simulate(
          api,
          {
            devices: options.devices,
            rate,
            protocol: options.protocol,
            ...(options.duration === undefined ? {} : { durationSeconds: options.duration }),
            ...(options.group ? { groupId: options.group } : {}),
            mqttUrl: options.mqttUrl ?? `mqtt://${new URL(api.baseUrl).hostname}:1884`,
            udpPort: options.udpPort,
            log: (line) => print(`${line}\n`),
          },
          controller.signal,
        );
      },
    );
}

function receiveCommand(): Command {
  return new Command("receive")
    .summary("a local receiver that prints the requests webhooks send it")
    .description(
      "listen on this machine, print every request (method, path, content type, body) and answer 200: " +
        "a target for trying webhook actions (the README's first app posts to it)",
    )
    .option("--port <port>", "port to listen on", integer(0, 65_535), 8481)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .action(async (options: { port: number; host: string }) => {
      const { receive } = await import("./receive.ts");
      await receive(options, print);
    });
}

function serveCommand(): Command {
  return new Command("serve")
    .summary("start Conflux: the studio and the API")
    .description("start Conflux: the studio and the API on one port (SQLite in ./.conflux/ by default)")
    .option("--port <port>", "port to listen on (default: CONFLUX_PORT or 8480)", integer(0, 65_535))
    .option("--host <host>", "address to listen on (default: CONFLUX_HOST or 127.0.0.1)")
    .option("--data-dir <dir>", "SQLite database and secret key (default: CONFLUX_DATA_DIR or .conflux)")
    .action(async (options: { port?: number; host?: string; dataDir?: string }) => {
      const { serve } = await import("./serve.ts");
      await serve(options);
    });
}

function providerCommand(): Command {
  const provider = new Command("provider").description("the provider that runs the service");
  provider
    .command("add-admin")
    .description(
      "add a provider administrator (or set its password) in the database this machine's Conflux uses; " +
        "the password comes from CONFLUX_PASSWORD or is asked for",
    )
    .requiredOption(
      "--email <email>",
      "the administrator's e-mail address (signs in at POST /v1/provider/auth)",
    )
    .option("--data-dir <dir>", "the SQLite data folder (default: CONFLUX_DATA_DIR or .conflux)")
    .action(async (options: { email: string; dataDir?: string }) => {
      const password =
        process.env.CONFLUX_PASSWORD ?? (await readPassword(`password for ${options.email}: `));
      const { addProviderAdmin } = await import("./provider.ts");
      await addProviderAdmin(options.email, password, options.dataDir);
      print(`provider administrator ${options.email.toLowerCase()} is ready\n`);
    });
  return provider;
}

/** Settings `addCommand` does not pass down: every command reports usage errors the same way. */
function reportUsageErrors(command: Command): void {
  command
    .showHelpAfterError("(add --help for usage)")
    // Usage errors exit with 2 (commander's own 1 would read as "the server said no").
    .exitOverride((error: CommanderError) => {
      process.exit(error.exitCode === 0 ? exitCodes.ok : exitCodes.usage);
    });
  for (const sub of command.commands) reportUsageErrors(sub);
}

export function program(): Command {
  const client = () => connect(process.env);
  const conflux = new Command("conflux")
    .description("Conflux: IoT apps from event sources, channels and actions")
    .version(packageJson.version, "-v, --version")
    .addHelpText(
      "after",
      "\napps, send and simulate talk to CONFLUX_URL (default http://127.0.0.1:8480) with\n" +
        "CONFLUX_API_KEY and CONFLUX_TOKEN (from `conflux login --export`), or CONFLUX_EMAIL and CONFLUX_PASSWORD.\n" +
        "Exit codes: 0 done, 1 the server answered an error, 2 wrong usage, 3 server not reachable.",
    );
  for (const command of [
    serveCommand(),
    loginCommand(),
    appsCommand(client),
    sendCommand(client),
    simulateCommand(client),
    receiveCommand(),
    providerCommand(),
  ])
    conflux.addCommand(command);
  reportUsageErrors(conflux);
  return conflux;
}

program()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`conflux: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof CliError ? error.exitCode : exitCodes.failed);
  });
