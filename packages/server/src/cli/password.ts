import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { CliError, exitCodes } from "./errors.ts";

/** Asks for a password on the terminal without echoing it; outside a terminal, CONFLUX_PASSWORD is the way. */
export async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY)
    throw new CliError("missing the password: set CONFLUX_PASSWORD (no terminal to ask on)", exitCodes.usage);
  process.stderr.write(prompt);
  // readline echoes each key to its output; this one swallows them.
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const lines = createInterface({ input: process.stdin, output: silent, terminal: true });
  const password = await new Promise<string>((resolve) => lines.question("", resolve));
  lines.close();
  process.stderr.write("\n");
  return password;
}
