/** A small client of the Conflux HTTP API for the CLI, authenticated from the environment. */
export interface ApiClient {
  /** CONFLUX_URL without a trailing slash. */
  readonly baseUrl: string;
  request(method: string, path: string, body?: string, contentType?: string): Promise<Response>;
}

async function logIn(
  baseUrl: string,
  email: string,
  password: string,
): Promise<{ apiKey: string; token: string }> {
  const response = await fetch(`${baseUrl}/v1/auth`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`log-in failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { apiKey: string; token: string };
}

export async function connect(env: NodeJS.ProcessEnv): Promise<ApiClient> {
  const baseUrl = (env.CONFLUX_URL ?? "http://127.0.0.1:8480").replace(/\/$/, "");
  let credentials: { apiKey: string; token: string };
  if (env.CONFLUX_API_KEY && env.CONFLUX_TOKEN)
    credentials = { apiKey: env.CONFLUX_API_KEY, token: env.CONFLUX_TOKEN };
  else if (env.CONFLUX_EMAIL && env.CONFLUX_PASSWORD)
    credentials = await logIn(baseUrl, env.CONFLUX_EMAIL, env.CONFLUX_PASSWORD);
  else throw new Error("set CONFLUX_EMAIL and CONFLUX_PASSWORD (or CONFLUX_API_KEY and CONFLUX_TOKEN)");
  return {
    baseUrl,
    request(method, path, body, contentType = "application/json") {
      return fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          "x-conflux-api-key": credentials.apiKey,
          "x-conflux-token": credentials.token,
          ...(body === undefined ? {} : { "content-type": contentType }),
        },
        ...(body === undefined ? {} : { body }),
      });
    },
  };
}
