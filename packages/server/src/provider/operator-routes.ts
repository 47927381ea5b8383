import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import { z } from "zod";
import { listSchema, pageQuery } from "../api/list-envelope.ts";
import { emailSchema } from "../auth/email-address.ts";
import { newPasswordSchema } from "../auth/password-policy.ts";
import { hashPassword } from "../auth/passwords.ts";
import { newOperatorId } from "../auth/tokens.ts";
import { UserError } from "../errors.ts";
import type { MailService } from "../mail/smtp.ts";
import type { OperatorDirectory, OperatorRecord } from "../store/operators.ts";
import type { PlanStore } from "../store/plans.ts";
import type { TestClocks } from "../store/test-clocks.ts";
import { decisionMails, sendDecision } from "./operator-mail.ts";
import { refusalReasons } from "./refusal-reasons.ts";

export interface OperatorRouteDeps {
  operatorDirectory: OperatorDirectory;
  plans: Pick<PlanStore, "getPlan" | "changeOperatorPlan">;
  testClocks: Pick<TestClocks, "find" | "bind">;
  /** What this process keeps in memory under an operator id (timers, caches) follows a change of it. */
  operatorIdChanged(oldId: string, newId: string): Promise<void>;
  actions: { readonly mail: MailService | undefined };
  logger: Logger;
}

const operatorIdSchema = z
  .string()
  .regex(/^OP\d{10}$/, 'an operator id is "OP" and 10 digits, e.g. OP0012345678');
const operatorParams = z.object({ operatorId: z.string().min(1).max(64) });
const statusSchema = z.enum(["active", "pending", "refused", "suspended"]);

const operatorView = z.object({
  operatorId: z.string(),
  email: z.string(),
  status: statusSchema,
  statusReason: z.string().optional(),
  createDateTime: z.number().int(),
});

function viewOf(operator: OperatorRecord): z.infer<typeof operatorView> {
  return {
    operatorId: operator.operatorId,
    email: operator.email,
    status: operator.status,
    ...(operator.statusReason === undefined ? {} : { statusReason: operator.statusReason }),
    createDateTime: Math.floor(operator.createdAt / 1000),
  };
}

const listQuery = z.object({
  search: z.string().max(254).optional(),
  status: statusSchema.optional(),
  ...pageQuery(100, 1_000),
});

/** The provider's side of every account: list, create, accept or refuse applications [3.2], change ids [3.4]. */
export async function operatorRoutes(api: FastifyInstance, deps: OperatorRouteDeps): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const { operatorDirectory, plans, testClocks } = deps;

  async function existing(operatorId: string): Promise<OperatorRecord> {
    const operator = await operatorDirectory.get(operatorId);
    if (!operator) throw new UserError("not_found", `no operator ${operatorId}`);
    return operator;
  }

  routes.get(
    "/v1/provider/operators",
    {
      schema: {
        summary:
          "List operators in id order: search matches part of the id or the e-mail address, any case; nextCursor asks for the next page",
        tags: ["Provider"],
        operationId: "listProviderOperators",
        querystring: listQuery,
        response: { 200: listSchema(operatorView) },
      },
    },
    async (request) => {
      const { search, status, limit, cursor } = request.query;
      const page = await operatorDirectory.list({
        limit,
        ...(search ? { search } : {}),
        ...(status === undefined ? {} : { status }),
        ...(cursor === undefined ? {} : { after: cursor }),
      });
      return { items: page.operators.map(viewOf), nextCursor: page.next ?? null };
    },
  );

  routes.get(
    "/v1/provider/operators/:operatorId",
    {
      schema: {
        summary: "One operator",
        tags: ["Provider"],
        operationId: "getProviderOperator",
        params: operatorParams,
        response: { 200: operatorView },
      },
    },
    async (request) => viewOf(await existing(request.params.operatorId)),
  );

  routes.post(
    "/v1/provider/operators",
    {
      schema: {
        summary: "Create an operator, active at once, whatever the sign-up policy",
        tags: ["Provider"],
        operationId: "createProviderOperator",
        body: z
          .object({
            email: emailSchema,
            password: newPasswordSchema,
            planId: z.string().min(1).max(64).optional(),
            /** Every billing time of the operator reads this clock (billing.md "Test clocks"). */
            testClockId: z.string().min(1).max(64).optional(),
          })
          .strict(),
        response: { 201: operatorView },
      },
    },
    async (request, reply) => {
      const { email, password, planId, testClockId } = request.body;
      const clock = testClockId === undefined ? undefined : await testClocks.find(testClockId);
      if (testClockId !== undefined && !clock)
        throw new UserError("bad_request", `no test clock ${testClockId}`);
      if (planId !== undefined && !(await plans.getPlan(planId)))
        throw new UserError(
          "bad_request",
          `no plan ${planId}: define it at PUT /v1/provider/plans/${planId}`,
        );
      const passwordHash = await hashPassword(password);
      for (let attempt = 0; attempt < 5; attempt++) {
        const operatorId = newOperatorId();
        // An operator of a test clock signed up at the clock's time.
        const createdAt = clock?.frozenTime ?? Date.now();
        const outcome = await operatorDirectory.create({
          operatorId,
          email,
          passwordHash,
          createdAt,
          status: "active",
          emailVerificationPending: false,
        });
        if (outcome === "id_taken") continue;
        if (outcome === "email_taken")
          throw new UserError("conflict", `${email} has an account already (one account per address)`);
        if (clock) await testClocks.bind(operatorId, clock.testClockId);
        if (planId !== undefined) await plans.changeOperatorPlan(operatorId, planId, createdAt, createdAt);
        return reply.status(201).send(viewOf(await existing(operatorId)));
      }
      throw new Error("no free operator id after 5 tries");
    },
  );

  routes.post(
    "/v1/provider/operators/:operatorId/accept",
    {
      schema: {
        summary: "Accept a pending application: the operator can sign in from now on",
        tags: ["Provider"],
        operationId: "acceptProviderOperator",
        params: operatorParams,
        response: { 200: operatorView },
      },
    },
    async (request) => {
      const { operatorId } = request.params;
      const operator = await existing(operatorId);
      if (!(await operatorDirectory.changeStatus(operatorId, ["pending"], "active", undefined, Date.now())))
        throw new UserError(
          "conflict",
          `${operatorId} is ${operator.status}, not pending: only applications are accepted`,
        );
      sendDecision(deps.actions.mail, decisionMails.accepted(operator.email), deps.logger);
      return viewOf(await existing(operatorId));
    },
  );

  routes.post(
    "/v1/provider/operators/:operatorId/refuse",
    {
      schema: {
        summary:
          "Refuse a pending application for one of the reasons of article 3.2; its address cannot apply again until the application is deleted",
        tags: ["Provider"],
        operationId: "refuseProviderOperator",
        params: operatorParams,
        body: z
          .object({ reason: z.enum(refusalReasons), message: z.string().min(1).max(2_000).optional() })
          .strict(),
        response: { 200: operatorView },
      },
    },
    async (request) => {
      const { operatorId } = request.params;
      const operator = await existing(operatorId);
      const refused = await operatorDirectory.changeStatus(
        operatorId,
        ["pending"],
        "refused",
        request.body.reason,
        Date.now(),
      );
      if (!refused)
        throw new UserError(
          "conflict",
          `${operatorId} is ${operator.status}, not pending: only applications are refused`,
        );
      const { reason, message } = request.body;
      sendDecision(deps.actions.mail, decisionMails.refused(operator.email, reason, message), deps.logger);
      return viewOf(await existing(operatorId));
    },
  );

  routes.delete(
    "/v1/provider/operators/:operatorId",
    {
      schema: {
        summary:
          "Delete a pending or refused application with everything under its id, so its address may apply again; a contract ends by termination instead",
        tags: ["Provider"],
        operationId: "deleteProviderOperator",
        params: operatorParams,
      },
    },
    async (request, reply) => {
      const { operatorId } = request.params;
      const operator = await existing(operatorId);
      if (!(await operatorDirectory.deleteApplication(operatorId)))
        throw new UserError(
          "conflict",
          `${operatorId} is ${operator.status}: only pending or refused applications are deleted; terminate a contract instead`,
        );
      return reply.status(204).send();
    },
  );

  routes.post(
    "/v1/provider/operators/:operatorId/operator_id",
    {
      schema: {
        summary:
          "Change the operator's id [3.4] in every table at once; its tokens and running apps carry on under the new id",
        tags: ["Provider"],
        operationId: "changeProviderOperatorId",
        params: operatorParams,
        body: z.object({ operatorId: operatorIdSchema }).strict(),
        response: { 200: operatorView },
      },
    },
    async (request) => {
      const oldId = request.params.operatorId;
      const newId = request.body.operatorId;
      if (newId === oldId) throw new UserError("bad_request", `${oldId} is already the operator's id`);
      const outcome = await operatorDirectory.changeOperatorId(oldId, newId);
      if (outcome === "not_found") throw new UserError("not_found", `no operator ${oldId}`);
      if (outcome === "taken") throw new UserError("conflict", `${newId} is another operator's id`);
      await deps.operatorIdChanged(oldId, newId);
      deps.logger.info({ oldOperatorId: oldId, operatorId: newId }, "operator id changed");
      return viewOf(await existing(newId));
    },
  );
}
