import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../api/authenticate.ts";
import { listSchema, wholeList } from "../api/list-envelope.ts";
import { UserError } from "../errors.ts";
import type { ProviderStore } from "../store/provider.ts";
import { type OperatorClock, systemClock } from "./clock.ts";
import {
  claimView,
  operatorOutageView,
  outageBody,
  outageView,
  viewOfClaim,
  viewOfOperatorOutage,
  viewOfOutage,
} from "./notice-schemas.ts";
import { billingMonthOf, claimDeadline, isClaimableAt, outageDays } from "./outage-claims.ts";
import type { OutageStore } from "./outage-store.ts";

export interface OutageRouteDeps {
  outages: OutageStore;
  operatorClock?: OperatorClock;
  /** Its billing time zone names the month an outage belongs to. */
  provider: Pick<ProviderStore, "settings">;
  /** Works out a new claim's credit and the invoice it lands on (billing's rule, wired by the root). */
  creditOutageClaim?: (
    operatorId: string,
    claimId: string,
  ) => Promise<{ credit: number; invoiceMonth: string }>;
}

/** Operators see the outages and claim credit for them [15.2.2]; claims are root-only (api/root-only.ts). */
export async function outageRoutes(api: FastifyInstance, deps: OutageRouteDeps) {
  const { outages, operatorClock = systemClock } = deps;
  const routes = api.withTypeProvider<ZodTypeProvider>();

  routes.get(
    "/v1/outages",
    {
      schema: {
        summary:
          "Outages of the service, the latest first, with whether the caller may claim each, in one page",
        tags: ["Outage"],
        operationId: "listOutages",
        response: { 200: listSchema(operatorOutageView) },
      },
    },
    async (request) => {
      const { operatorId } = principalOf(request);
      const now = await operatorClock(operatorId);
      return wholeList(
        (await outages.outagesFor(operatorId)).map((outage) => viewOfOperatorOutage(outage, now)),
      );
    },
  );

  routes.post(
    "/v1/outage_claims",
    {
      schema: {
        summary: "Claim credit for an outage, within 3 months of its end, once",
        tags: ["OutageClaim"],
        operationId: "createOutageClaim",
        body: z.strictObject({ outageId: z.string().min(1).max(64) }),
        response: { 201: claimView },
      },
    },
    async (request, reply) => {
      const { operatorId } = principalOf(request);
      const { outageId } = request.body;
      const outage = await outages.findOutage(outageId);
      if (!outage) throw new UserError("not_found", `no outage ${outageId}`);
      const now = await operatorClock(operatorId);
      if (!isClaimableAt(outage, now))
        throw new UserError(
          "bad_request",
          `outage ${outageId} could be claimed until ${new Date(claimDeadline(outage)).toISOString()} (3 months after it ended)`,
        );
      const { billingTimeZone } = await deps.provider.settings();
      const claim = await outages.claim({
        operatorId,
        outageId,
        outageMonth: billingMonthOf(outage.startedAt, billingTimeZone),
        days: outageDays(outage),
        claimedAt: now,
      });
      if (!claim) throw new UserError("conflict", `outage ${outageId} is claimed already`);
      const credited = deps.creditOutageClaim && (await deps.creditOutageClaim(operatorId, claim.claimId));
      return reply.status(201).send(viewOfClaim({ ...claim, ...credited }));
    },
  );

  routes.get(
    "/v1/outage_claims",
    {
      schema: {
        summary: "The operator's outage claims, the latest first, in one page",
        tags: ["OutageClaim"],
        operationId: "listOutageClaims",
        response: { 200: listSchema(claimView) },
      },
    },
    async (request) => wholeList((await outages.claimsOf(principalOf(request).operatorId)).map(viewOfClaim)),
  );
}

/** The provider records outages (times are not checked against the present: they are often recorded afterwards). */
export async function providerOutageRoutes(api: FastifyInstance, { outages }: OutageRouteDeps) {
  const routes = api.withTypeProvider<ZodTypeProvider>();

  routes.post(
    "/v1/provider/outages",
    {
      schema: {
        summary:
          "Record an outage: from when the provider knew the service was wholly unusable to its recovery",
        tags: ["Provider"],
        operationId: "createProviderOutage",
        body: outageBody,
        response: { 201: outageView },
      },
    },
    async (request, reply) =>
      reply.status(201).send(viewOfOutage(await outages.recordOutage(request.body, Date.now()))),
  );

  routes.get(
    "/v1/provider/outages",
    {
      schema: {
        summary: "Every recorded outage, the latest first, in one page",
        tags: ["Provider"],
        operationId: "listProviderOutages",
        response: { 200: listSchema(outageView) },
      },
    },
    async () => wholeList((await outages.listOutages()).map(viewOfOutage)),
  );
}
