import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import type { ConfigInput } from "../src/conflux.ts";
import { createPostgresSchema } from "./databases.ts";
import { startTestConflux } from "./harness.ts";

type TestConflux = Awaited<ReturnType<typeof startTestConflux>>;

export interface TwoInstances {
  /** False when PostgreSQL is unreachable: nothing started, and the suite skips. */
  reachable: boolean;
  first: TestConflux;
  second: TestConflux;
}

/**
 * Two Conflux instances on one PostgreSQL database (a schema of its own) with one secret key, as a
 * scaled-out install runs them: started before the file's tests, stopped after. `settings` gives each
 * instance's own (0, then 1) and is read when they start, after the file's earlier `beforeAll` hooks.
 */
export async function useTwoInstancesOnPostgres(
  settings: (instance: 0 | 1) => ConfigInput = () => ({}),
): Promise<TwoInstances> {
  const postgres = await createPostgresSchema();
  const instances = { reachable: postgres !== undefined } as TwoInstances;
  if (!postgres) return instances;
  const secretKey = randomBytes(32).toString("base64");
  beforeAll(async () => {
    instances.first = await startTestConflux({ ...settings(0), database: postgres.database, secretKey });
    instances.second = await startTestConflux({ ...settings(1), database: postgres.database, secretKey });
  });
  afterAll(async () => {
    await instances.first?.cleanUp();
    await instances.second?.cleanUp();
    await postgres.drop();
  });
  return instances;
}
