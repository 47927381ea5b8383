import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { nextReading, parseRate } from "../src/cli/simulate.ts";
import { dataOf } from "./device-fixture.ts";
import { logIn, testPassword, useSuite } from "./harness.ts";

const run = promisify(execFile);
const cli = new URL("../bin/conflux.js", import.meta.url).pathname;
const suite = useSuite();

describe("conflux simulate", () => {
  it.each(["mqtt", "http", "udp"])(
    "registers devices and sends readings over %s that land in the data store",
    { timeout: 60_000 },
    async (protocol) => {
      const { conflux, session } = suite;
      const email = `sim-${protocol}-${Date.now()}@example.com`;
      await fetch(`${conflux.url}/v1/operators`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: testPassword }),
      });
      const { listening } = conflux.services.devices;
      const { stdout } = await run(
        process.execPath,
        [
          cli,
          "simulate",
          "--devices",
          "3",
          "--rate",
          "30/s",
          "--duration",
          "1",
          "--protocol",
          protocol,
          "--mqtt-url",
          `mqtt://127.0.0.1:${listening.mqttPort}`,
          "--udp-port",
          String(listening.socketPort),
        ],
        {
          env: {
            ...process.env,
            CONFLUX_URL: conflux.url,
            CONFLUX_EMAIL: email,
            CONFLUX_PASSWORD: testPassword,
          },
        },
      );
      const done = /done: (\d+) sent, (\d+) acknowledged, (\d+) failed/.exec(stdout);
      expect(done, stdout).not.toBeNull();
      const [, sent, acknowledged, failed] = done?.map(Number) ?? [];
      expect(sent).toBeGreaterThanOrEqual(20);
      expect(acknowledged).toBe(sent);
      expect(failed).toBe(0);
      const simulator = await logIn(conflux.url, email);
      const { body: devices } = await simulator.call("GET", "/v1/devices");
      expect(devices).toHaveLength(3);
      let stored = 0;
      for (const device of devices) {
        const entries = (await dataOf(simulator, device.deviceId)) as Array<{ temp: number; seq: number }>;
        expect(entries.every((entry) => typeof entry.temp === "number" && entry.seq >= 1)).toBe(true);
        stored += entries.length;
      }
      expect(stored).toBe(acknowledged);
      // The simulated devices belong to the simulating operator, not to anyone else.
      expect((await session.call("GET", "/v1/devices")).body).toEqual([]);
    },
  );

  it("reads rates per second or per minute and refuses nonsense", () => {
    expect(parseRate("10/s")).toBe(10);
    expect(parseRate("600/min")).toBe(10);
    expect(parseRate("2.5")).toBe(2.5);
    expect(() => parseRate("fast")).toThrow(/not like 10\/s/);
    expect(() => parseRate("0/s")).toThrow(/above 0/);
  });

  it("produces plausible readings: temperature near the device's base, humidity 0-100, a battery that only drains", () => {
    const device = {
      deviceId: "d-1",
      secret: "",
      baseTemp: 22,
      baseHumidity: 50,
      temp: 22,
      battery: 0.9,
      seq: 0,
    };
    let battery = device.battery;
    for (let i = 0; i < 1_000; i++) {
      const reading = nextReading(device);
      expect(reading.temp).toBeGreaterThan(15);
      expect(reading.temp).toBeLessThan(29);
      expect(reading.humidity).toBeGreaterThanOrEqual(0);
      expect(reading.humidity).toBeLessThanOrEqual(100);
      expect(reading.battery).toBeLessThanOrEqual(battery);
      battery = reading.battery;
      expect(reading.seq).toBe(i + 1);
    }
  });
});
