import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type ConfigInput, createLogger, loadConfig, startConflux } from "@conflux/server";

/** A Conflux on a fresh data folder with one operator signed up through the API, for one bench round. */
export async function startBenchConflux(overrides: ConfigInput, email = "bench@example.com") {
  const dataDir = mkdtempSync(path.join(tmpdir(), "conflux-bench-"));
  // Device listeners on free ports too, so a bench runs beside a Conflux or broker that holds the defaults.
  const config = loadConfig(
    {},
    {
      dataDir,
      port: 0,
      logLevel: "silent",
      ...overrides,
      // A bench measures throughput, not the per-minute API limit.
      limits: { apiCallsPerMinute: 1_000_000, ...overrides.limits },
      devices: { mqttPort: 0, socketPort: 0, ...overrides.devices },
    },
  );
  const conflux = await startConflux(config, createLogger(config));
  const close = async () => {
    await conflux.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const json = { "content-type": "application/json" };
  const account = JSON.stringify({ email, password: "bench password" });
  let auth: { apiKey: string; token: string };
  try {
    await fetch(`${conflux.url}/v1/operators`, { method: "POST", headers: json, body: account });
    const answer = await fetch(`${conflux.url}/v1/auth`, { method: "POST", headers: json, body: account });
    auth = (await answer.json()) as { apiKey: string; token: string };
  } catch (error) {
    await close();
    throw error;
  }
  const headers = { ...json, "x-conflux-api-key": auth.apiKey, "x-conflux-token": auth.token };
  return {
    conflux,
    dataDir,
    /** The operator's JSON request headers. */
    headers,
    /** POSTs `payload` to `url` (a path of the API) as the operator and returns the answer's body. */
    async post<T = Record<string, string>>(url: string, payload: unknown): Promise<T> {
      const response = await fetch(`${conflux.url}${url}`, {
        method: "POST",
        headers,
        body: JSON.stringify(payload),
      });
      return (await response.json()) as T;
    },
    close,
  };
}
