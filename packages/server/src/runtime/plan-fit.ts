import type { AppDefinition } from "@conflux/core";

/** What of an operator's plan its apps are checked against. */
export interface PlanAllowance {
  planId: string;
  limits: { apps?: number; actionsPerApp?: number };
  features: readonly string[];
}

/** The plan-only feature a timer source with a cron schedule needs (Flux: paid plans only). */
export const cronTimerFeature = "timer.cron";

/** The plan-only features an app uses, each with what uses it: only enabled sources count. */
export function featuresUsedBy(app: AppDefinition): Array<{ feature: string; usedBy: string }> {
  return app.channels
    .filter((channel) => channel.eventSource?.type === "scheduled-timer" && channel.eventSource.enabled)
    .map((channel) => ({
      feature: cronTimerFeature,
      usedBy: `the cron timer of channel '${channel.name || channel.channelId}' in app '${app.name}'`,
    }));
}

/** Why `app` cannot be saved under `plan` (its actions or features), or undefined when it fits. */
export function appOverPlan(app: AppDefinition, plan: PlanAllowance): string | undefined {
  const { actionsPerApp } = plan.limits;
  if (actionsPerApp !== undefined && app.actions.length > actionsPerApp)
    return `app '${app.name}' has ${app.actions.length} actions; plan '${plan.planId}' allows ${actionsPerApp} (limit actionsPerApp)`;
  const missing = featuresUsedBy(app).find(({ feature }) => !plan.features.includes(feature));
  if (missing)
    return `${missing.usedBy} needs feature ${missing.feature}, which plan '${plan.planId}' does not have`;
  return undefined;
}

/** Why one more app does not fit `plan` when the operator has `appCount` already, or undefined. */
export function newAppOverPlan(appCount: number, plan: PlanAllowance): string | undefined {
  const { apps } = plan.limits;
  if (apps !== undefined && appCount + 1 > apps)
    return `plan '${plan.planId}' allows ${apps} apps (limit apps) and this account has ${appCount}`;
  return undefined;
}

/** Why an operator's apps as they are do not fit `plan` (a plan change's check), or undefined. */
export function appsOverPlan(apps: readonly AppDefinition[], plan: PlanAllowance): string | undefined {
  const { apps: maxApps } = plan.limits;
  if (maxApps !== undefined && apps.length > maxApps)
    return `this account has ${apps.length} apps; plan '${plan.planId}' allows ${maxApps} (limit apps)`;
  for (const app of apps) {
    const reason = appOverPlan(app, plan);
    if (reason) return reason;
  }
  return undefined;
}
