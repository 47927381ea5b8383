import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { UserError } from "../errors.ts";
import {
  type ClosingTerms,
  calendarDate,
  closingDate,
  type OperatorClosings,
} from "../store/operator-closings.ts";
import type { OperatorSuspensions } from "../store/operator-suspensions.ts";
import { operatorParams, optionalBody } from "./account-schemas.ts";

export interface ClosingDeps {
  operatorSuspensions: OperatorSuspensions;
  operatorClosings: OperatorClosings;
  /** The provider's billing time zone and closing notice, read when an account is closed. */
  closingTerms(): Promise<ClosingTerms>;
  /** The operator's data as JSON text, in pieces (store/operator-export.ts). */
  exportOperatorData(operatorId: string, now: number): AsyncIterable<string>;
}

/**
 * The operator's own account: what it is (status, suspension reason, a pending closing), closing it
 * [ToS 6] and taking its data along.
 */
export async function closingRoutes(api: FastifyInstance, deps: ClosingDeps): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();

  routes.get(
    "/v1/operators/:operatorId",
    {
      schema: {
        summary: "The operator: its status (active or suspended, with the reason) and a closing it awaits",
        tags: ["Operator"],
        operationId: "getOperator",
        params: operatorParams,
      },
    },
    async (request) => {
      const { operatorId } = request.params;
      const standing = await deps.operatorSuspensions.standingOf(operatorId);
      if (!standing) throw new UserError("not_found", `operator ${operatorId} does not exist`);
      const closing = await deps.operatorClosings.find(operatorId);
      const { createdAt, ...rest } = standing;
      return {
        ...rest,
        createDateTime: Math.floor(createdAt / 1000),
        ...(closing
          ? { closing: { effectiveDate: closing.effectiveDate, requestedBy: closing.requestedBy } }
          : {}),
      };
    },
  );

  routes.post(
    "/v1/operators/:operatorId/close",
    {
      schema: {
        summary:
          "Close the account: it ends on the later of the requested day and the provider's, and its data is then deleted",
        tags: ["Operator"],
        operationId: "closeOperator",
        params: operatorParams,
        body: optionalBody({ effectiveDate: calendarDate.optional() }),
      },
    },
    async (request) => {
      const { operatorId } = request.params;
      const { effectiveDate, deleteAt } = closingDate(
        request.body.effectiveDate,
        await deps.closingTerms(),
        Date.now(),
      );
      await deps.operatorClosings.close(
        { operatorId, effectiveDate, deleteAt, requestedBy: "operator" },
        Date.now(),
      );
      return { effectiveDate };
    },
  );

  routes.delete(
    "/v1/operators/:operatorId/close",
    {
      schema: {
        summary: "Withdraw the account's closing before its day",
        tags: ["Operator"],
        operationId: "cancelOperatorClosing",
        params: operatorParams,
      },
    },
    async (request, reply) => {
      await deps.operatorClosings.cancel(request.params.operatorId);
      return reply.status(204).send();
    },
  );

  routes.get(
    "/v1/operators/:operatorId/export",
    {
      schema: {
        summary: "Download the account's apps, app versions, groups, devices, data entries and files as JSON",
        tags: ["Operator"],
        operationId: "exportOperatorData",
        params: operatorParams,
      },
    },
    async (request, reply) => {
      const { operatorId } = request.params;
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .type("application/json")
        .header("content-disposition", `attachment; filename="conflux-${operatorId}-${day}.json"`)
        .send(Readable.from(deps.exportOperatorData(operatorId, Date.now())));
    },
  );
}
