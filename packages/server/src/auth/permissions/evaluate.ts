import { apiPatternMatches } from "./api-pattern.ts";
import { type ConditionFacts, conditionHolds } from "./condition-evaluator.ts";
import type { Permission, Statement } from "./permission.ts";

/** What is known about a call when deciding whether its caller may make it. */
export interface CallFacts extends ConditionFacts {
  /** `<Group>:<operationId>`, e.g. `App:createApp`. */
  readonly apiName: string;
}

export interface PermissionDecision {
  readonly allowed: boolean;
  /** `deny`: a deny statement matched; `allow`: an allow matched and no deny; `no_match`: nothing matched. */
  readonly reason: "deny" | "allow" | "no_match";
}

/** SAM's rule: a matching deny wins; otherwise a matching allow is needed; no match is a deny. */
export function evaluatePermissions(
  permissions: readonly Permission[],
  facts: CallFacts,
): PermissionDecision {
  let allowMatched = false;
  for (const permission of permissions) {
    for (const statement of permission.statements) {
      if (!statementMatches(statement, facts)) continue;
      if (statement.effect === "deny") return { allowed: false, reason: "deny" };
      allowMatched = true;
    }
  }
  return allowMatched ? { allowed: true, reason: "allow" } : { allowed: false, reason: "no_match" };
}

function statementMatches(statement: Statement, facts: CallFacts): boolean {
  if (!statement.apiPatterns.some((pattern) => apiPatternMatches(pattern, facts.apiName))) return false;
  return statement.condition === undefined || conditionHolds(statement.condition, facts);
}
