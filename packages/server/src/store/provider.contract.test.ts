import type { Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useContractDatabases } from "../../test/databases.ts";
import { openDatabase } from "../conflux.ts";
import { ProviderStore } from "./provider.ts";
import type { Database } from "./schema.ts";

const { databases, sqliteDir } = await useContractDatabases("provider");

describe.each(databases)("the provider's store on %s", (_name, database) => {
  // Two connections to one database, as two instances have.
  let first: Kysely<Database>;
  let second: Kysely<Database>;

  beforeAll(async () => {
    if (!database) return;
    first = (await openDatabase(database, sqliteDir)).db;
    second = (await openDatabase(database, sqliteDir)).db;
  });
  afterAll(async () => {
    await first?.destroy();
    await second?.destroy();
  });

  it.skipIf(!database)("reads the defaults before anything is saved, and what was saved after", async () => {
    const store = new ProviderStore(first, 0);
    expect(await store.settings()).toEqual({
      currency: "JPY",
      taxRatePercent: 10,
      billingTimeZone: "UTC",
      signUpPolicy: "open",
      emailVerificationRequired: false,
      rateLimits: {},
    });
    await store.saveSettings({ billingTimeZone: "Asia/Tokyo", rateLimits: { apiCallsPerMinute: 900 } });
    expect(await new ProviderStore(second, 0).settings()).toMatchObject({
      billingTimeZone: "Asia/Tokyo",
      taxRatePercent: 10,
      rateLimits: { apiCallsPerMinute: 900 },
    });
  });

  it.skipIf(!database)("sees another instance's change once its cache is older than the TTL", async () => {
    const here = new ProviderStore(first, 1_000);
    const there = new ProviderStore(second, 0);
    await there.saveSettings({ taxRatePercent: 8 });
    expect((await here.settings(1_000_000)).taxRatePercent).toBe(8);
    await there.saveSettings({ taxRatePercent: 5 });
    expect((await here.settings(1_000_500)).taxRatePercent).toBe(8);
    expect((await here.settings(1_001_000)).taxRatePercent).toBe(5);
  });

  it.skipIf(!database)("refuses settings that are not valid, naming the field", async () => {
    const store = new ProviderStore(first, 0);
    await expect(store.saveSettings({ billingTimeZone: "Mars/Olympus" })).rejects.toThrow(/IANA time zone/);
    await expect(store.saveSettings({ currency: "yen" })).rejects.toThrow(/ISO 4217/);
  });

  it.skipIf(!database)(
    "keeps one row per administrator; adding one again replaces its password",
    async () => {
      const store = new ProviderStore(first);
      await store.upsertAdmin("ops@provider.test", "hash-1", 1_000);
      await store.upsertAdmin("ops@provider.test", "hash-2", 2_000);
      expect((await store.findAdmin("ops@provider.test"))?.passwordHash).toBe("hash-2");
      expect((await store.listAdmins()).filter((admin) => admin.email === "ops@provider.test")).toEqual([
        { email: "ops@provider.test", createdAt: 1_000 },
      ]);
    },
  );

  it.skipIf(!database)("finds a token by its hash until it is deleted", async () => {
    const store = new ProviderStore(first);
    await store.upsertAdmin("tokens@provider.test", "hash");
    await store.saveToken("token-hash", { apiKey: "api-1", email: "tokens@provider.test", expiresAt: 5_000 });
    expect(await new ProviderStore(second).findToken("token-hash")).toEqual({
      apiKey: "api-1",
      email: "tokens@provider.test",
      expiresAt: 5_000,
    });
    await store.deleteToken("token-hash");
    expect(await store.findToken("token-hash")).toBeUndefined();
  });
});
