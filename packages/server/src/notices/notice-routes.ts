import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../api/authenticate.ts";
import { listSchema, wholeList } from "../api/list-envelope.ts";
import { UserError } from "../errors.ts";
import { type OperatorClock, systemClock } from "./clock.ts";
import {
  maintenanceBody,
  maintenanceParams,
  maintenanceView,
  noticeBody,
  noticeParams,
  noticeView,
  operatorNoticeView,
  viewOfMaintenance,
  viewOfNotice,
} from "./notice-schemas.ts";
import type { NoticeInput, NoticeStore } from "./notice-store.ts";

export interface NoticeRouteDeps {
  notices: NoticeStore;
  operatorClock?: OperatorClock;
}

/** GET /v1/notices: what the console shows on every page, so every caller of the operator may read it. */
export async function noticeRoutes(
  api: FastifyInstance,
  { notices, operatorClock = systemClock }: NoticeRouteDeps,
) {
  api.withTypeProvider<ZodTypeProvider>().get(
    "/v1/notices",
    {
      config: { authorization: "anyCaller" },
      schema: {
        summary: "Notices and maintenance windows for the caller's operator, current and upcoming",
        tags: ["Notice"],
        operationId: "listNotices",
        response: {
          200: z.object({ notices: z.array(operatorNoticeView), maintenance: z.array(maintenanceView) }),
        },
      },
    },
    async (request) => {
      const { operatorId } = principalOf(request);
      const now = await operatorClock(operatorId);
      return {
        notices: (await notices.noticesFor(operatorId, now)).map(viewOfNotice),
        maintenance: (await notices.maintenanceAt(now)).map(viewOfMaintenance),
      };
    },
  );
}

/** The provider posts notices (to every operator or chosen ones) and maintenance windows [5.2, 9.3]. */
export async function providerNoticeRoutes(api: FastifyInstance, { notices }: NoticeRouteDeps) {
  const routes = api.withTypeProvider<ZodTypeProvider>();

  async function checkedTargets(input: NoticeInput): Promise<NoticeInput> {
    const unknown = await notices.unknownOperators(input.operatorIds ?? []);
    if (unknown.length > 0)
      throw new UserError("bad_request", `operatorIds: no operator ${unknown.join(", ")}`);
    return input;
  }

  routes.post(
    "/v1/provider/notices",
    {
      schema: {
        summary: "Post a notice to every operator, or to the operators listed",
        tags: ["Provider"],
        operationId: "createProviderNotice",
        body: noticeBody,
        response: { 201: noticeView },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(viewOfNotice(await notices.createNotice(await checkedTargets(request.body), Date.now()))),
  );

  routes.get(
    "/v1/provider/notices",
    {
      schema: {
        summary: "Every notice, ended ones too, newest first",
        tags: ["Provider"],
        operationId: "listProviderNotices",
        response: { 200: listSchema(noticeView) },
      },
    },
    async () => wholeList((await notices.listNotices()).map(viewOfNotice)),
  );

  routes.put(
    "/v1/provider/notices/:noticeId",
    {
      schema: {
        summary: "Replace a notice",
        tags: ["Provider"],
        operationId: "updateProviderNotice",
        params: noticeParams,
        body: noticeBody,
        response: { 200: noticeView },
      },
    },
    async (request) => {
      const notice = await notices.replaceNotice(request.params.noticeId, await checkedTargets(request.body));
      if (!notice) throw new UserError("not_found", `no notice ${request.params.noticeId}`);
      return viewOfNotice(notice);
    },
  );

  routes.delete(
    "/v1/provider/notices/:noticeId",
    {
      schema: {
        summary: "Delete a notice",
        tags: ["Provider"],
        operationId: "deleteProviderNotice",
        params: noticeParams,
      },
    },
    async (request, reply) => {
      if (!(await notices.deleteNotice(request.params.noticeId)))
        throw new UserError("not_found", `no notice ${request.params.noticeId}`);
      return reply.status(204).send();
    },
  );

  routes.post(
    "/v1/provider/maintenance",
    {
      schema: {
        summary: "Announce a maintenance window to every operator",
        tags: ["Provider"],
        operationId: "createProviderMaintenance",
        body: maintenanceBody,
        response: { 201: maintenanceView },
      },
    },
    async (request, reply) =>
      reply.status(201).send(viewOfMaintenance(await notices.createMaintenance(request.body, Date.now()))),
  );

  routes.get(
    "/v1/provider/maintenance",
    {
      schema: {
        summary: "Every maintenance window, past ones too, latest start first",
        tags: ["Provider"],
        operationId: "listProviderMaintenance",
        response: { 200: listSchema(maintenanceView) },
      },
    },
    async () => wholeList((await notices.listMaintenance()).map(viewOfMaintenance)),
  );

  routes.delete(
    "/v1/provider/maintenance/:maintenanceId",
    {
      schema: {
        summary: "Delete a maintenance window",
        tags: ["Provider"],
        operationId: "deleteProviderMaintenance",
        params: maintenanceParams,
      },
    },
    async (request, reply) => {
      if (!(await notices.deleteMaintenance(request.params.maintenanceId)))
        throw new UserError("not_found", `no maintenance window ${request.params.maintenanceId}`);
      return reply.status(204).send();
    },
  );
}
