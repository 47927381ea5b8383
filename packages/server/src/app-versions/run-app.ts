import type { App } from "@conflux/core";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.ts";
import type { OperatorStore } from "../store/store.ts";
import type { AppVersionStore } from "./app-versions.ts";

/** Enough for the executions and versions a busy worker touches; both are immutable, so entries never go stale. */
const cacheLimit = 10_000;

/**
 * The app a run's steps execute on: the version the run started on. An edit applies to runs started
 * after it, so a run finishes as the history's canvas shows it (and as it was tested), even when a step
 * waits out an output delay or a retry across the edit. Runs from before versions use the current app.
 */
export class RunApps {
  private readonly startedOn = new Map<string, number | null>();
  private readonly versions = new Map<string, App>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly appVersions: AppVersionStore,
  ) {}

  async appFor(operator: OperatorStore, appId: string, executionId: string): Promise<App | undefined> {
    const [current, version] = await Promise.all([
      operator.getApp(appId),
      this.versionStartedOn(operator.operatorId, executionId),
    ]);
    if (!current || version === null || version === current.version) return current;
    return (await this.version(operator.operatorId, current, version)) ?? current;
  }

  private async versionStartedOn(operatorId: string, executionId: string): Promise<number | null> {
    const known = this.startedOn.get(executionId);
    if (known !== undefined) return known;
    const row = await this.db
      .selectFrom("executions")
      .select("appVersion")
      .where("operatorId", "=", operatorId)
      .where("executionId", "=", executionId)
      .executeTakeFirst();
    const version = row?.appVersion ?? null;
    remember(this.startedOn, executionId, version);
    return version;
  }

  private async version(operatorId: string, current: App, version: number): Promise<App | undefined> {
    const key = `${operatorId}:${current.appId}:${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const saved = await this.appVersions.forOperator(operatorId).get(current.appId, version);
    if (!saved) return undefined;
    const app: App = {
      ...saved.definition,
      appId: current.appId,
      version,
      createdAt: current.createdAt,
      updatedAt: saved.createdAt,
    };
    remember(this.versions, key, app);
    return app;
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= cacheLimit) map.clear();
  map.set(key, value);
}
