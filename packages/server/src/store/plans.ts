import type { Kysely, Selectable } from "kysely";
import type { Database, OperatorPlansTable, PlansTable } from "./schema.ts";

/** The built-in plan: every operator is on it until it changes plan; it cannot be deleted. */
export const developerPlanId = "developer";

/** Usage beyond the included amount is billed `pricePerBlock` per started block of `blockSize`. */
export interface OverageBlocks {
  blockSize: number;
  pricePerBlock: number;
}

/** What a plan caps; an absent limit caps nothing. */
export interface PlanLimits {
  apps?: number;
  actionsPerApp?: number;
  eventsPerMonth?: number;
  historyRetentionDays?: number;
  dataRetentionDays?: number;
  emailsPerMonth?: number;
  ingestBytesPerSecondPerDevice?: number;
  ingestBytesPerSecondPerOperator?: number;
}

/** A plan as the provider defines it (billing.md); money in integer minor units. */
export interface Plan {
  planId: string;
  name: string;
  monthlyFee: number;
  included: { events: number; aiCredits: number };
  overage?: { events?: OverageBlocks; aiCredits?: OverageBlocks };
  limits: PlanLimits;
  /** The plan-only features it grants, like `timer.cron`. */
  features: string[];
}

/** A plan as saved, without its id. */
export type PlanDefinition = Omit<Plan, "planId">;

/** A stretch of time an operator was on one plan; `untilMs` absent: still on it at the end of the asked range. */
export interface PlanPeriod {
  plan: Plan;
  fromMs: number;
  untilMs?: number;
}

/** The plan in force now, and the change scheduled for later (a downgrade from next month), if any. */
export interface OperatorPlan {
  current: Plan;
  pending?: { plan: Plan; fromMs: number };
}

export type PlanRemoval = "deleted" | "not_found" | "built_in" | "in_use";

/** How long runs are kept: `defaultDays` for every operator but those in `exceptions`. */
export interface HistoryRetention {
  defaultDays: number;
  exceptions: ReadonlyMap<string, number>;
}

interface StoredTerms {
  included: Plan["included"];
  overage?: Plan["overage"];
  limits: PlanLimits;
  features: string[];
}

function toPlan(row: Selectable<PlansTable>): Plan {
  const terms = JSON.parse(row.terms) as StoredTerms;
  return {
    planId: row.planId,
    name: row.name,
    monthlyFee: Number(row.monthlyFee),
    included: terms.included,
    ...(terms.overage ? { overage: terms.overage } : {}),
    limits: terms.limits,
    features: terms.features,
  };
}

type PlanCopy = Pick<PlansTable, "name" | "monthlyFee" | "terms">;

/** A history row joined with its plan: the copy kept in the row, or the plan itself on rows from before copies. */
function planInRow(
  row: Selectable<PlansTable> & { copyName: string | null; copyFee: number | null; copyTerms: string | null },
): Plan {
  if (row.copyName === null || row.copyFee === null || row.copyTerms === null) return toPlan(row);
  return toPlan({ ...row, name: row.copyName, monthlyFee: row.copyFee, terms: row.copyTerms });
}

function sameTerms(a: PlanCopy, b: PlanCopy): boolean {
  return a.name === b.name && Number(a.monthlyFee) === Number(b.monthlyFee) && a.terms === b.terms;
}

/**
 * The provider's plans and every operator's plan history. A change is a row effective from its
 * `fromMs`: a pending downgrade is a row in the future, so it takes effect by time alone, with no job.
 * Each row keeps a copy of the plan's name, fee and terms from its `fromMs`, and an edit of a plan adds
 * a row at each of its operators' "now" (a test clock's, when bound): a month is billed on the terms in
 * force during it, never on a later edit.
 */
export class PlanStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** The plans operators may choose, cheapest first. */
  async listPlans(): Promise<Plan[]> {
    const rows = await this.db
      .selectFrom("plans")
      .selectAll()
      .where("deletedAt", "is", null)
      .orderBy("monthlyFee")
      .orderBy("planId")
      .execute();
    return rows.map(toPlan);
  }

  async getPlan(planId: string): Promise<Plan | undefined> {
    const row = await this.db
      .selectFrom("plans")
      .selectAll()
      .where("planId", "=", planId)
      .where("deletedAt", "is", null)
      .executeTakeFirst();
    return row && toPlan(row);
  }

  /**
   * Creates or replaces a plan (a deleted one comes back); operators on it get the new terms at once,
   * from their own "now", and keep the old ones for the time before.
   */
  async putPlan(plan: Plan, now = Date.now()): Promise<Plan> {
    const { planId, name, monthlyFee, ...rest } = plan;
    const terms = JSON.stringify({
      included: rest.included,
      ...(rest.overage ? { overage: rest.overage } : {}),
      limits: rest.limits,
      features: rest.features,
    } satisfies StoredTerms);
    const before = await this.db
      .selectFrom("plans")
      .select(["name", "monthlyFee", "terms"])
      .where("planId", "=", planId)
      .executeTakeFirst();
    await this.db
      .insertInto("plans")
      .values({ planId, name, monthlyFee, terms, createdAt: now, updatedAt: now, deletedAt: null })
      .onConflict((conflict) =>
        conflict.column("planId").doUpdateSet({ name, monthlyFee, terms, updatedAt: now, deletedAt: null }),
      )
      .execute();
    if (before) await this.copyToOperators(planId, before, { name, monthlyFee, terms }, now);
    return plan;
  }

  /**
   * After an edit of `planId`: a row with the new copy at the "now" of each operator on it then, and the
   * new copy in its rows still to come. Operators with no history are on the developer plan: they get a
   * first row with the copy `before` the edit.
   */
  private async copyToOperators(
    planId: string,
    before: PlanCopy,
    copy: PlanCopy,
    now: number,
  ): Promise<void> {
    if (sameTerms(before, copy)) return;
    const operators = await this.db
      .selectFrom("operators")
      .leftJoin("testClocks", "testClocks.testClockId", "operators.testClockId")
      .select(["operators.operatorId", "testClocks.frozenTime"])
      .$if(planId !== developerPlanId, (query) =>
        query.where((eb) =>
          eb.exists(
            eb
              .selectFrom("operatorPlans")
              .select("operatorPlans.operatorId")
              .whereRef("operatorPlans.operatorId", "=", "operators.operatorId")
              .where("operatorPlans.planId", "=", planId),
          ),
        ),
      )
      .execute();
    for (const { operatorId, frozenTime } of operators) {
      const at = frozenTime == null ? now : Number(frozenTime);
      await this.db.transaction().execute(async (trx) => {
        await trx
          .updateTable("operatorPlans")
          .set(copy)
          .where("operatorId", "=", operatorId)
          .where("planId", "=", planId)
          .where("fromMs", ">", at)
          .execute();
        const inForce:
          | Pick<OperatorPlansTable, "planId" | "fromMs" | "name" | "monthlyFee" | "terms">
          | undefined = await trx
          .selectFrom("operatorPlans")
          .select(["planId", "fromMs", "name", "monthlyFee", "terms"])
          .where("operatorId", "=", operatorId)
          .where("fromMs", "<=", at)
          .orderBy("fromMs", "desc")
          .limit(1)
          .executeTakeFirst();
        if ((inForce?.planId ?? developerPlanId) !== planId) return;
        if (!inForce)
          await trx
            .insertInto("operatorPlans")
            .values({ operatorId, planId, fromMs: 0, changedAt: now, ...before })
            .execute();
        if (inForce && inForce.name !== null && sameTerms(copy, inForce as PlanCopy)) return;
        if (inForce && Number(inForce.fromMs) === at)
          await trx
            .updateTable("operatorPlans")
            .set(copy)
            .where("operatorId", "=", operatorId)
            .where("fromMs", "=", at)
            .execute();
        else
          await trx
            .insertInto("operatorPlans")
            .values({ operatorId, planId, fromMs: at, changedAt: now, ...copy })
            .execute();
      });
    }
  }

  /**
   * Deletes a plan no operator is on or moving to. The row stays, marked, so the months it was in
   * force still read it; the developer plan is never deleted.
   */
  async deletePlan(planId: string, now = Date.now()): Promise<PlanRemoval> {
    if (planId === developerPlanId) return "built_in";
    return this.db.transaction().execute(async (trx) => {
      const plan = await trx
        .selectFrom("plans")
        .select("planId")
        .where("planId", "=", planId)
        .where("deletedAt", "is", null)
        .executeTakeFirst();
      if (!plan) return "not_found";
      const user = await trx
        .selectFrom("operatorPlans as op")
        .select("op.operatorId")
        .where("op.planId", "=", planId)
        .where((eb) =>
          eb.or([
            eb("op.fromMs", ">", now),
            eb(
              "op.fromMs",
              "=",
              eb
                .selectFrom("operatorPlans as latest")
                .select((inner) => inner.fn.max("latest.fromMs").as("fromMs"))
                .whereRef("latest.operatorId", "=", "op.operatorId")
                .where("latest.fromMs", "<=", now),
            ),
          ]),
        )
        .limit(1)
        .executeTakeFirst();
      if (user) return "in_use";
      await trx
        .updateTable("plans")
        .set({ deletedAt: now, updatedAt: now })
        .where("planId", "=", planId)
        .execute();
      return "deleted";
    });
  }

  /** The plan in force for the operator at `at` (a deleted plan still answers for the time it was in force). */
  async termsOf(operatorId: string, at = Date.now()): Promise<Plan> {
    const row = await this.db
      .selectFrom("operatorPlans as op")
      .innerJoin("plans as p", "p.planId", "op.planId")
      .selectAll("p")
      .select(["op.name as copyName", "op.monthlyFee as copyFee", "op.terms as copyTerms"])
      .where("op.operatorId", "=", operatorId)
      .where("op.fromMs", "<=", at)
      .orderBy("op.fromMs", "desc")
      .limit(1)
      .executeTakeFirst();
    return row ? planInRow(row) : this.developerPlan();
  }

  async operatorPlan(operatorId: string, now = Date.now()): Promise<OperatorPlan> {
    const current = await this.termsOf(operatorId, now);
    const next = await this.db
      .selectFrom("operatorPlans as op")
      .innerJoin("plans as p", "p.planId", "op.planId")
      .selectAll("p")
      .select(["op.name as copyName", "op.monthlyFee as copyFee", "op.terms as copyTerms"])
      .select("op.fromMs")
      .where("op.operatorId", "=", operatorId)
      .where("op.fromMs", ">", now)
      .orderBy("op.fromMs")
      .limit(1)
      .executeTakeFirst();
    return next ? { current, pending: { plan: planInRow(next), fromMs: Number(next.fromMs) } } : { current };
  }

  /**
   * Puts the operator on `planId` from `fromMs` (now, or a later month's start) and drops any change
   * scheduled after now: the latest decision wins. False when there is no such plan.
   */
  async changeOperatorPlan(
    operatorId: string,
    planId: string,
    fromMs: number,
    now = Date.now(),
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const plan = await trx
        .selectFrom("plans")
        .select(["name", "monthlyFee", "terms"])
        .where("planId", "=", planId)
        .where("deletedAt", "is", null)
        .executeTakeFirst();
      if (!plan) return false;
      await trx
        .deleteFrom("operatorPlans")
        .where("operatorId", "=", operatorId)
        .where("fromMs", ">", now)
        .execute();
      const inForce = await trx
        .selectFrom("operatorPlans")
        .select("planId")
        .where("operatorId", "=", operatorId)
        .where("fromMs", "<=", fromMs)
        .orderBy("fromMs", "desc")
        .limit(1)
        .executeTakeFirst();
      if ((inForce?.planId ?? developerPlanId) === planId) return true;
      await trx
        .insertInto("operatorPlans")
        .values({ operatorId, planId, fromMs, changedAt: now, ...plan })
        .onConflict((conflict) =>
          conflict.columns(["operatorId", "fromMs"]).doUpdateSet({ planId, changedAt: now, ...plan }),
        )
        .execute();
      return true;
    });
  }

  /**
   * Every plan the operator was on during [fromMs, toMs), in order: what "the highest-fee plan in
   * force at any moment of the month" is computed from. The first period may start before fromMs.
   */
  async plansInForce(operatorId: string, fromMs: number, toMs: number): Promise<PlanPeriod[]> {
    const rows = await this.db
      .selectFrom("operatorPlans as op")
      .innerJoin("plans as p", "p.planId", "op.planId")
      .selectAll("p")
      .select(["op.name as copyName", "op.monthlyFee as copyFee", "op.terms as copyTerms"])
      .select("op.fromMs")
      .where("op.operatorId", "=", operatorId)
      .where("op.fromMs", "<", toMs)
      .orderBy("op.fromMs")
      .execute();
    const changes = rows.map((row) => ({ plan: planInRow(row), fromMs: Number(row.fromMs) }));
    const startsBefore = changes.filter((change) => change.fromMs <= fromMs).length;
    const inForce =
      startsBefore > 0
        ? changes.slice(startsBefore - 1)
        : [{ plan: await this.developerPlan(), fromMs: 0 }, ...changes];
    return inForce.map((period, index) => {
      const next = inForce[index + 1];
      return next ? { ...period, untilMs: next.fromMs } : period;
    });
  }

  /**
   * How long each operator's runs are kept at `now`: its plan's `historyRetentionDays`, else
   * `defaultDays` (the service's setting).
   */
  async historyRetention(now: number, defaultDays: number): Promise<HistoryRetention> {
    const plans = await this.db.selectFrom("plans").selectAll().execute();
    const daysOf = new Map(
      plans.map((row) => [row.planId, toPlan(row).limits.historyRetentionDays ?? defaultDays]),
    );
    const developerDays = daysOf.get(developerPlanId) ?? defaultDays;
    const current = await this.db
      .selectFrom("operatorPlans as op")
      .select(["op.operatorId", "op.planId"])
      .where((eb) =>
        eb(
          "op.fromMs",
          "=",
          eb
            .selectFrom("operatorPlans as latest")
            .select((inner) => inner.fn.max("latest.fromMs").as("fromMs"))
            .whereRef("latest.operatorId", "=", "op.operatorId")
            .where("latest.fromMs", "<=", now),
        ),
      )
      .execute();
    const exceptions = new Map<string, number>();
    for (const { operatorId, planId } of current) {
      const days = daysOf.get(planId) ?? defaultDays;
      if (days !== developerDays) exceptions.set(operatorId, days);
    }
    return { defaultDays: developerDays, exceptions };
  }

  private async developerPlan(): Promise<Plan> {
    const row = await this.db
      .selectFrom("plans")
      .selectAll()
      .where("planId", "=", developerPlanId)
      .executeTakeFirstOrThrow();
    return toPlan(row);
  }
}
