import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { UserError } from "../errors.ts";
import type { SuspendedOperators } from "../runtime/suspended-operators.ts";
import {
  type ClosingTerms,
  calendarDate,
  closingDate,
  type OperatorClosings,
} from "../store/operator-closings.ts";
import { type OperatorSuspensions, suspensionReasons } from "../store/operator-suspensions.ts";

export interface SuspensionDeps {
  operatorSuspensions: OperatorSuspensions;
  suspendedOperators: SuspendedOperators;
  operatorClosings: OperatorClosings;
  closingTerms(): Promise<ClosingTerms>;
}

const operatorParams = z.object({ operatorId: z.string().max(64) });
const message = z.string().min(1).max(2_000);

/** The provider suspends, resumes [ToS 5.1.3] and terminates [ToS 6] an operator's account. */
export async function suspensionRoutes(api: FastifyInstance, deps: SuspensionDeps): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const notFound = (operatorId: string) =>
    new UserError("not_found", `operator ${operatorId} does not exist`);

  routes.post(
    "/v1/provider/operators/:operatorId/suspend",
    {
      schema: {
        summary:
          "Suspend an operator: its apps stop, its ingest answers 403, its API only reads; its data is kept",
        tags: ["Provider"],
        operationId: "suspendProviderOperator",
        params: operatorParams,
        body: z.object({ reason: z.enum(suspensionReasons), message: message.optional() }).strict(),
      },
    },
    async (request) => {
      const { operatorId } = request.params;
      const suspension = {
        reason: request.body.reason,
        ...(request.body.message === undefined ? {} : { message: request.body.message }),
      };
      if (!(await deps.operatorSuspensions.suspend(operatorId, suspension, Date.now()))) {
        const standing = await deps.operatorSuspensions.standingOf(operatorId);
        if (!standing) throw notFound(operatorId);
        throw new UserError(
          "conflict",
          `operator ${operatorId} is ${standing.status}; only an active operator is suspended`,
        );
      }
      await deps.suspendedOperators.refresh();
      return { operatorId, status: "suspended", statusReason: suspension.reason };
    },
  );

  routes.post(
    "/v1/provider/operators/:operatorId/resume",
    {
      schema: {
        summary: "Resume a suspended operator: its apps run the jobs that waited, its ingest accepts again",
        tags: ["Provider"],
        operationId: "resumeProviderOperator",
        params: operatorParams,
      },
    },
    async (request) => {
      const { operatorId } = request.params;
      if (!(await deps.operatorSuspensions.resume(operatorId, Date.now()))) {
        const standing = await deps.operatorSuspensions.standingOf(operatorId);
        if (!standing) throw notFound(operatorId);
        throw new UserError("conflict", `operator ${operatorId} is ${standing.status}, not suspended`);
      }
      await deps.suspendedOperators.refresh();
      return { operatorId, status: "active" };
    },
  );

  routes.post(
    "/v1/provider/operators/:operatorId/terminate",
    {
      schema: {
        summary:
          "Terminate an operator's contract: its data is deleted when the effective day ends (today by default)",
        tags: ["Provider"],
        operationId: "terminateProviderOperator",
        params: operatorParams,
        body: z.object({ reason: message, effectiveDate: calendarDate.optional() }).strict(),
      },
    },
    async (request) => {
      const { operatorId } = request.params;
      if (!(await deps.operatorSuspensions.standingOf(operatorId))) throw notFound(operatorId);
      const { timeZone } = await deps.closingTerms();
      // The provider's own notice does not bind the provider: the day it names, or the end of today.
      const { effectiveDate, deleteAt } = closingDate(
        request.body.effectiveDate,
        { timeZone, noticeDays: 0 },
        Date.now(),
      );
      await deps.operatorClosings.close(
        { operatorId, effectiveDate, deleteAt, requestedBy: "provider", reason: request.body.reason },
        Date.now(),
      );
      return { operatorId, effectiveDate };
    },
  );
}
