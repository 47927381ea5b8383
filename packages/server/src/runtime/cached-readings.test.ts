import { describe, expect, it } from "vitest";
import { CachedReadings } from "./cached-readings.ts";

describe("cached readings", () => {
  it("reads a key once for concurrent first calls, then from memory while fresh", async () => {
    let reads = 0;
    const cached = new CachedReadings(async (key) => `${key}:${++reads}`, 1_000);
    expect(await Promise.all([cached.get("a", 0), cached.get("a", 0)])).toEqual(["a:1", "a:1"]);
    expect(await cached.get("a", 1_000)).toBe("a:1");
    expect(reads).toBe(1);
  });

  it("serves a stale reading while it reads the key again, then the new one", async () => {
    let value = "old";
    const cached = new CachedReadings(async () => value, 1_000);
    await cached.get("a", 0);
    value = "new";
    expect(await cached.get("a", 1_001)).toBe("old");
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cached.get("a", 1_002)).toBe("new");
  });

  it("keeps the old reading when reading again fails", async () => {
    let fail = false;
    const cached = new CachedReadings(async () => {
      if (fail) throw new Error("database away");
      return "kept";
    }, 1_000);
    await cached.get("a", 0);
    fail = true;
    expect(await cached.get("a", 2_000)).toBe("kept");
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cached.get("a", 2_001)).toBe("kept");
  });
});
