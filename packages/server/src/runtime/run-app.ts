import type { App } from "@conflux/core";
import type { AppVersionStore } from "../store/app-versions.ts";
import type { OperatorStore } from "../store/store.ts";

/** Enough for the versions a busy worker touches; they are immutable, so entries never go stale. */
const cacheLimit = 10_000;

/**
 * The app a run's steps execute on: the version the run started on. An edit applies to runs started
 * after it, so a run finishes as the history's canvas shows it (and as it was tested), even when a step
 * waits out an output delay or a retry across the edit. Runs from before versions use the current app.
 */
export class RunApps {
  private readonly versions = new Map<string, App>();

  constructor(private readonly appVersions: AppVersionStore) {}

  /** `startedOn`: the version the run's execution started on (the bus claims it with the job). */
  async appFor(operator: OperatorStore, appId: string, startedOn: number | null): Promise<App | undefined> {
    const current = await operator.getApp(appId);
    if (!current || startedOn === null || startedOn === current.version) return current;
    return (await this.version(operator.operatorId, current, startedOn)) ?? current;
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
