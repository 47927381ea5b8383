import type { AppDefinition } from "@conflux/core";
import { UserError } from "../errors.ts";
import { appOverPlan, newAppOverPlan } from "../runtime/plan-fit.ts";
import type { PlanTermsPort } from "../runtime/ports/plan-terms.ts";
import type { OperatorStore } from "../store/store.ts";

/**
 * Refuses (409) an app the operator's plan does not allow: one app too many when it is `new`, more
 * actions than the plan's limit, or a plan-only feature (a cron timer) the plan lacks.
 */
export async function refuseOverPlan(
  planTerms: PlanTermsPort,
  store: OperatorStore,
  definition: AppDefinition,
  kind: "new" | "existing",
): Promise<void> {
  const terms = await planTerms.termsOf(store.operatorId);
  const reason =
    (kind === "new" && terms.limits.apps !== undefined
      ? newAppOverPlan((await store.listApps()).length, terms)
      : undefined) ?? appOverPlan(definition, terms);
  if (reason) throw new UserError("conflict", reason);
}
