import ipaddr from "ipaddr.js";
import type { ComparisonOperator, Condition, ConditionValue } from "./condition-parser.ts";

/** What a condition may read about the call being decided. */
export interface ConditionFacts {
  readonly now: Date;
  readonly ipAddress: string;
  readonly pathVariables: Readonly<Record<string, string>>;
  readonly samUserName?: string;
}

const DAY_MS = 86_400_000;

/**
 * Whether `condition` holds. A condition that reads a fact the call does not have (a path variable
 * the route lacks, samUserName for root) does not hold as a whole, whatever `not` surrounds it:
 * such a statement simply does not apply to the call.
 */
export function conditionHolds(condition: Condition, facts: ConditionFacts): boolean {
  try {
    return evaluate(condition, facts);
  } catch (error) {
    if (error === MISSING_FACT) return false;
    throw error;
  }
}

const MISSING_FACT = Symbol("missing fact");

function evaluate(condition: Condition, facts: ConditionFacts): boolean {
  switch (condition.kind) {
    case "or":
      return condition.operands.some((operand) => evaluate(operand, facts));
    case "and":
      return condition.operands.every((operand) => evaluate(operand, facts));
    case "not":
      return !evaluate(condition.operand, facts);
    case "ipAddress":
      return addressIsIn(facts.ipAddress, condition.ranges);
    case "compare":
      return compare(
        condition.operator,
        resolveValue(condition.left, facts),
        resolveValue(condition.right, facts),
      );
  }
}

function resolveValue(value: ConditionValue, facts: ConditionFacts): string | number {
  switch (value.kind) {
    case "text":
      return value.value;
    case "time":
      return value.epochMs;
    case "currentDate":
      return Math.floor(facts.now.getTime() / DAY_MS) * DAY_MS;
    case "currentDateTime":
      return facts.now.getTime();
    case "pathVariable": {
      const found = Object.hasOwn(facts.pathVariables, value.name)
        ? facts.pathVariables[value.name]
        : undefined;
      if (found === undefined) throw MISSING_FACT;
      return found;
    }
    case "samUserName":
      if (facts.samUserName === undefined) throw MISSING_FACT;
      return facts.samUserName;
  }
}

function compare(operator: ComparisonOperator, left: string | number, right: string | number): boolean {
  switch (operator) {
    case "==":
      return left === right;
    case "!=":
      return left !== right;
    case "<":
      return left < right;
    case "<=":
      return left <= right;
    case ">":
      return left > right;
    case ">=":
      return left >= right;
  }
}

/** IPv4-mapped IPv6 addresses (`::ffff:10.1.2.3`, as a dual-stack socket reports them) count as IPv4. */
function addressIsIn(
  address: string,
  ranges: readonly (readonly [ipaddr.IPv4 | ipaddr.IPv6, number])[],
): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  return ranges.some(([network, bits]) => network.kind() === parsed.kind() && parsed.match(network, bits));
}
