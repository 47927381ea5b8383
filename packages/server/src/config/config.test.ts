import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../conflux.ts";

const folder = mkdtempSync(path.join(tmpdir(), "conflux-config-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function configFile(content: unknown): string {
  const file = path.join(folder, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe("loadConfig", () => {
  it("lets one variable change one key of a section and keeps the rest of the file's section", () => {
    const file = configFile({
      port: 9000,
      ai: {
        monthlyCredits: 50,
        providers: { openai: { apiKey: "file-key" }, google: { apiKey: "google-key" } },
      },
      runtime: { concurrency: 2_000 },
    });
    const config = loadConfig(
      { CONFLUX_CONFIG: file, CONFLUX_AI_OPENAI_BASE_URL: "http://127.0.0.1:1/v1" },
      { runtime: { maxTries: 5 } },
    );
    expect(config.port).toBe(9000);
    expect(config.ai.monthlyCredits).toBe(50);
    expect(config.ai.providers.openai).toMatchObject({
      apiKey: "file-key",
      baseUrl: "http://127.0.0.1:1/v1",
    });
    expect(config.ai.providers.google.apiKey).toBe("google-key");
    expect(config.runtime).toMatchObject({ concurrency: 2_000, maxTries: 5 });
  });

  it("lets a variable win over the file, and an override over both", () => {
    const file = configFile({ port: 9000, ai: { providers: { openai: { apiKey: "file-key" } } } });
    const config = loadConfig(
      { CONFLUX_CONFIG: file, CONFLUX_PORT: "9100", CONFLUX_AI_OPENAI_API_KEY: "env-key" },
      { port: 9200 },
    );
    expect(config.port).toBe(9200);
    expect(config.ai.providers.openai.apiKey).toBe("env-key");
  });

  it("reads the runtime's concurrency from CONFLUX_RUNTIME_CONCURRENCY and keeps the file's other runtime keys", () => {
    const file = configFile({ runtime: { concurrency: 2_000, maxTries: 5 } });
    const config = loadConfig({ CONFLUX_CONFIG: file, CONFLUX_RUNTIME_CONCURRENCY: "64" });
    expect(config.runtime).toMatchObject({ concurrency: 64, maxTries: 5 });
    expect(loadConfig({}).runtime.concurrency).toBe(256);
    expect(() => loadConfig({ CONFLUX_RUNTIME_CONCURRENCY: "0" })).toThrow(/runtime\.concurrency/);
  });

  it("takes JetStream as the bus from CONFLUX_BUS, with a prefix, and the queue tables without it", () => {
    expect(loadConfig({}).bus).toEqual({ prefix: "conflux" });
    const config = loadConfig({
      CONFLUX_BUS: "nats://127.0.0.1:4222",
      CONFLUX_BUS_PREFIX: "plant_7",
      CONFLUX_RUNTIME_LEASE_MS: "5000",
    });
    expect(config.bus).toEqual({ url: "nats://127.0.0.1:4222", prefix: "plant_7" });
    expect(config.runtime.leaseMs).toBe(5_000);
    expect(() => loadConfig({ CONFLUX_BUS: "redis://127.0.0.1" })).toThrow(/nats:\/\/host:4222/);
    expect(() => loadConfig({ CONFLUX_TRUSTED_PROXIES: "10.0.0.1,proxy.local" })).toThrow(
      /http\.trustedProxies\.1.*not an IP address or CIDR range/s,
    );
    expect(loadConfig({ CONFLUX_TRUSTED_PROXIES: "10.0.0.1, 192.168.0.0/16" }).http.trustedProxies).toEqual([
      "10.0.0.1",
      "192.168.0.0/16",
    ]);
    expect(() => loadConfig({ CONFLUX_BUS: "nats://x", CONFLUX_BUS_PREFIX: "a.b" })).toThrow(/bus prefix/);
  });

  it("reads the hardening limits from their variables: JSON depth, HTTP timeouts, device listener caps", () => {
    const config = loadConfig({
      CONFLUX_MAX_JSON_DEPTH: "100",
      CONFLUX_HTTP_HEADERS_TIMEOUT_MS: "5000",
      CONFLUX_HTTP_REQUEST_TIMEOUT_MS: "60000",
      CONFLUX_SOCKET_IDLE_TIMEOUT_MS: "30000",
      CONFLUX_SOCKET_MAX_CONNECTIONS_PER_ADDRESS: "10",
      CONFLUX_MQTT_CONNECT_TIMEOUT_MS: "2000",
      CONFLUX_MQTT_MAX_KEEPALIVE_SECONDS: "120",
      CONFLUX_MQTT_MAX_CONNECTIONS_PER_ADDRESS: "20",
    });
    expect(config.limits.maxJsonDepth).toBe(100);
    expect(config.http).toEqual({
      headersTimeoutMs: 5_000,
      requestTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5_000,
      trustedProxies: [],
    });
    expect(config.devices).toMatchObject({
      socketIdleTimeoutMs: 30_000,
      socketMaxConnectionsPerAddress: 10,
      mqttConnectTimeoutMs: 2_000,
      mqttMaxKeepaliveSeconds: 120,
      mqttMaxConnectionsPerAddress: 20,
    });
    expect(loadConfig({}).limits.maxJsonDepth).toBe(64);
    expect(() =>
      loadConfig({ CONFLUX_HTTP_HEADERS_TIMEOUT_MS: "9000", CONFLUX_HTTP_REQUEST_TIMEOUT_MS: "1000" }),
    ).toThrow(/headersTimeoutMs cannot be longer/);
  });

  it("retries outbound deliveries for 24 hours, at most 60 s apart, unless the variables say otherwise", () => {
    const defaults = loadConfig({}).runtime;
    expect(defaults.maxTries).toBeUndefined();
    expect(defaults).toMatchObject({
      retryForHours: 24,
      retryMaxWaitSeconds: 60,
      breakerFailures: 5,
    });
    const config = loadConfig({
      CONFLUX_RETRY_FOR_HOURS: "0.5",
      CONFLUX_RETRY_MAX_WAIT_SECONDS: "2",
      CONFLUX_BREAKER_FAILURES: "10",
    });
    expect(config.runtime).toMatchObject({ retryForHours: 0.5, retryMaxWaitSeconds: 2, breakerFailures: 10 });
    expect(() => loadConfig({ CONFLUX_RETRY_MAX_WAIT_SECONDS: "0" })).toThrow(/runtime\.retryMaxWaitSeconds/);
  });

  it("sizes the code sandbox from CONFLUX_SANDBOX_THREADS and _PER_OPERATOR, or leaves it to the machine", () => {
    expect(loadConfig({}).sandbox).toEqual({});
    expect(
      loadConfig({ CONFLUX_SANDBOX_THREADS: "8", CONFLUX_SANDBOX_THREADS_PER_OPERATOR: "2" }).sandbox,
    ).toEqual({ threads: 8, threadsPerOperator: 2 });
  });

  it("names the setting that is wrong", () => {
    expect(() => loadConfig({ CONFLUX_PORT: "not a port" })).toThrow(/invalid configuration: port/);
  });
});
