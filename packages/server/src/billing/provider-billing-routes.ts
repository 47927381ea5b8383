import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { listSchema, wholeList } from "../api/list-envelope.ts";
import { UserError } from "../errors.ts";
import type { TestClocks } from "../store/test-clocks.ts";
import { dayNumber } from "./calendar.ts";
import { exportQuerySchema, type InvoiceDeps, monthSchema, sendInvoiceFile } from "./invoice-routes.ts";

export interface ProviderBillingDeps extends InvoiceDeps {
  testClocks: TestClocks;
}

const operatorParams = z.object({ operatorId: z.string().max(64) });
const isoTime = z.iso
  .datetime({ offset: true, message: "an ISO 8601 time with its offset, such as 2027-01-31T15:00:00Z" })
  .transform((text) => Date.parse(text));
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD")
  .refine((text) => {
    try {
      dayNumber(text);
      return true;
    } catch {
      return false;
    }
  }, "a date of the calendar");

const testClockView = z.object({ testClockId: z.string(), frozenTime: z.string() });

function clockView(clock: { testClockId: string; frozenTime: number }): z.infer<typeof testClockView> {
  return { testClockId: clock.testClockId, frozenTime: new Date(clock.frozenTime).toISOString() };
}

/** The provider's side of money: operators' invoices, payments, acceleration, and test clocks. */
export async function providerBillingRoutes(api: FastifyInstance, deps: ProviderBillingDeps) {
  const { invoices, testClocks } = deps;
  const routes = api.withTypeProvider<ZodTypeProvider>();
  routes.get(
    "/v1/provider/operators/:operatorId/invoices",
    {
      schema: {
        summary: "An operator's invoices, as it sees them",
        tags: ["Provider"],
        operationId: "listProviderOperatorInvoices",
        params: operatorParams,
      },
    },
    async (request) => {
      return invoices.list(request.params.operatorId);
    },
  );

  routes.get(
    "/v1/provider/operators/:operatorId/invoices/:month/export",
    {
      schema: {
        summary: "One month's invoice of an operator as a file: CSV (the default) or PDF",
        tags: ["Provider"],
        operationId: "exportProviderOperatorInvoice",
        params: operatorParams.extend({ month: monthSchema }),
        querystring: exportQuerySchema,
      },
    },
    async (request, reply) =>
      sendInvoiceFile(reply, deps, request.params.operatorId, request.params.month, request.query.format),
  );

  routes.post(
    "/v1/provider/operators/:operatorId/payments",
    {
      schema: {
        summary:
          "Record a payment of a closed invoice; late interest goes on the invoice of the month it was paid in",
        tags: ["Provider"],
        operationId: "createProviderPayment",
        params: operatorParams,
        body: z.object({
          month: monthSchema,
          amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
          paidOn: day,
        }),
      },
    },
    async (request, reply) => {
      const outcome = await invoices.recordPayment(request.params.operatorId, request.body);
      if ("refused" in outcome)
        throw new UserError(outcome.refused === "no_invoice" ? "not_found" : "bad_request", outcome.message);
      return reply.status(201).send(outcome);
    },
  );

  routes.post(
    "/v1/provider/operators/:operatorId/accelerate",
    {
      schema: {
        summary: "Acceleration [12.4]: every unpaid amount of the operator is due today",
        tags: ["Provider"],
        operationId: "accelerateProviderOperator",
        params: operatorParams,
      },
    },
    async (request) => {
      return invoices.accelerate(request.params.operatorId);
    },
  );

  routes.post(
    "/v1/provider/test_clocks",
    {
      schema: {
        summary: "Create a test clock: operators bound to it read its time for every billing date",
        tags: ["Provider"],
        operationId: "createProviderTestClock",
        body: z.object({ frozenTime: isoTime }),
      },
    },
    async (request, reply) => {
      const clock = await testClocks.create(`tc-${randomUUID()}`, request.body.frozenTime);
      return reply.status(201).send(clockView(clock));
    },
  );

  routes.get(
    "/v1/provider/test_clocks",
    {
      schema: {
        summary: "The test clocks",
        tags: ["Provider"],
        operationId: "listProviderTestClocks",
        response: { 200: listSchema(testClockView) },
      },
    },
    async () => wholeList((await testClocks.list()).map(clockView)),
  );

  routes.post(
    "/v1/provider/test_clocks/:testClockId/advance",
    {
      schema: {
        summary: "Move a test clock forward; answers once every month end it crossed is closed",
        tags: ["Provider"],
        operationId: "advanceProviderTestClock",
        params: z.object({ testClockId: z.string().max(64) }),
        body: z.object({ frozenTime: isoTime }),
      },
    },
    async (request) => {
      const { testClockId } = request.params;
      const clock = await testClocks.find(testClockId);
      if (!clock) throw new UserError("not_found", `no test clock ${testClockId}`);
      if (!(await testClocks.advance(testClockId, request.body.frozenTime)))
        throw new UserError(
          "bad_request",
          `a test clock only moves forward: it reads ${new Date(clock.frozenTime).toISOString()}`,
        );
      for (const operatorId of await testClocks.operatorsOf(testClockId))
        await invoices.closeEnded(operatorId);
      return clockView({ testClockId, frozenTime: request.body.frozenTime });
    },
  );
}
