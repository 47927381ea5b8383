import { CliError, exitCodes, unreachable } from "./errors.ts";

/** A small client of the Conflux HTTP API for the CLI, authenticated from the environment. */
export interface ApiClient {
  /** CONFLUX_URL without a trailing slash. */
  readonly baseUrl: string;
  /** The answer as it came, whatever its status; a server that cannot be reached throws a CliError. */
  request(method: string, path: string, body?: string, contentType?: string): Promise<Response>;
  /** The answer's text, or a CliError naming the status and the server's message. */
  call(method: string, path: string, body?: string, contentType?: string): Promise<string>;
}

export interface Credentials {
  apiKey: string;
  token: string;
  operatorId?: string;
}

export function baseUrlOf(env: NodeJS.ProcessEnv): string {
  return (env.CONFLUX_URL ?? "http://127.0.0.1:8480").replace(/\/$/, "");
}

async function reach(baseUrl: string, path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(`${baseUrl}${path}`, init);
  } catch (error) {
    throw unreachable(baseUrl, error);
  }
}

/** "HTTP 404 not_found: no app X" from the server's `{code, message}`, or its raw text. */
export async function failure(response: Response, prefix = "HTTP"): Promise<CliError> {
  const text = await response.text();
  try {
    const { code, message } = JSON.parse(text) as { code?: string; message?: string };
    if (message) return new CliError(`${prefix} ${response.status}${code ? ` ${code}` : ""}: ${message}`);
  } catch {}
  return new CliError(`${prefix} ${response.status}: ${text}`);
}

/** POST /v1/auth: a new API key and token for the operator's email and password. */
export async function logIn(
  baseUrl: string,
  email: string,
  password: string,
  tokenTimeoutSeconds?: number,
): Promise<Credentials> {
  const response = await reach(baseUrl, "/v1/auth", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password, ...(tokenTimeoutSeconds ? { tokenTimeoutSeconds } : {}) }),
  });
  if (!response.ok) throw await failure(response, "log-in failed:");
  return (await response.json()) as Credentials;
}

export async function connect(env: NodeJS.ProcessEnv): Promise<ApiClient> {
  const baseUrl = baseUrlOf(env);
  let credentials: Credentials;
  if (env.CONFLUX_API_KEY && env.CONFLUX_TOKEN)
    credentials = { apiKey: env.CONFLUX_API_KEY, token: env.CONFLUX_TOKEN };
  else if (env.CONFLUX_EMAIL && env.CONFLUX_PASSWORD)
    credentials = await logIn(baseUrl, env.CONFLUX_EMAIL, env.CONFLUX_PASSWORD);
  else
    throw new CliError(
      'not logged in: run `eval "$(conflux login --export)"`, or set CONFLUX_EMAIL and CONFLUX_PASSWORD',
      exitCodes.usage,
    );
  const request = (method: string, path: string, body?: string, contentType = "application/json") =>
    reach(baseUrl, path, {
      method,
      headers: {
        "x-conflux-api-key": credentials.apiKey,
        "x-conflux-token": credentials.token,
        ...(body === undefined ? {} : { "content-type": contentType }),
      },
      ...(body === undefined ? {} : { body }),
    });
  return {
    baseUrl,
    request,
    async call(method, path, body, contentType) {
      const response = await request(method, path, body, contentType);
      if (!response.ok) throw await failure(response);
      return response.text();
    },
  };
}
