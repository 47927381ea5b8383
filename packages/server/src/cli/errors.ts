/** The exit codes of `conflux` (docs/cli.md lists them for scripts). */
export const exitCodes = {
  ok: 0,
  /** The server answered with an error, or the command itself failed. */
  failed: 1,
  /** Unknown command or option, missing or invalid argument. */
  usage: 2,
  /** The server could not be reached (refused, unknown host, timed out). */
  unreachable: 3,
} as const;

/** An error the CLI prints as one line (`conflux: …`) and exits with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = exitCodes.failed,
  ) {
    super(message);
  }
}

/** Why a connection failed, in words, from the system error under fetch's "fetch failed". */
const connectionProblems: Record<string, string> = {
  ECONNREFUSED: "connection refused (is `conflux serve` running?)",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found (DNS lookup failed)",
  ETIMEDOUT: "connection timed out",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  ECONNRESET: "connection reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

/** The error fetch throws when no HTTP answer came, as "cannot reach <origin>: <why>". */
export function unreachable(origin: string, error: unknown): CliError {
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  // A failed connection to every address of a host comes as an AggregateError without a code of its own.
  const code =
    cause?.code ?? (cause as { errors?: { code?: string }[] } | undefined)?.errors?.[0]?.code ?? "";
  const why =
    connectionProblems[code] ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new CliError(`cannot reach ${origin}: ${why}`, exitCodes.unreachable);
}
