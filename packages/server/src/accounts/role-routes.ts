import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { UserError } from "../errors.ts";
import type { AccountStore } from "../store/accounts.ts";
import {
  checkedPermission,
  description,
  operatorParams,
  permissionText,
  roleParams,
} from "./account-schemas.ts";
import { roleView } from "./account-views.ts";

/** Roles: named permissions attached to users (attach and detach are with the user routes). */
export async function roleRoutes(
  api: FastifyInstance,
  { accountStore }: { accountStore: AccountStore },
): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const base = "/v1/operators/:operatorId/roles";

  routes.get(
    base,
    { schema: { summary: "List roles", tags: ["Role"], operationId: "listRoles", params: operatorParams } },
    async (request) => (await accountStore.forOperator(request.params.operatorId).listRoles()).map(roleView),
  );

  routes.get(
    `${base}/:roleId`,
    { schema: { summary: "Read a role", tags: ["Role"], operationId: "getRole", params: roleParams } },
    async (request) => {
      const role = await accountStore.forOperator(request.params.operatorId).getRole(request.params.roleId);
      if (!role) throw new UserError("not_found", `no role ${request.params.roleId}`);
      return roleView(role);
    },
  );

  routes.post(
    `${base}/:roleId`,
    {
      schema: {
        summary: "Create a role with a permission (a JSON string)",
        tags: ["Role"],
        operationId: "createRole",
        params: roleParams,
        body: z.object({ permission: permissionText, description: description.default("") }),
      },
    },
    async (request) => {
      const { operatorId, roleId } = request.params;
      const role = {
        permission: checkedPermission(request.body.permission),
        description: request.body.description,
      };
      if ((await accountStore.forOperator(operatorId).createRole(roleId, role)) === "exists")
        throw new UserError("conflict", `a role ${roleId} exists`);
      return { roleId };
    },
  );

  routes.put(
    `${base}/:roleId`,
    {
      schema: {
        summary: "Change a role's permission or description",
        tags: ["Role"],
        operationId: "updateRole",
        params: roleParams,
        body: z.object({ permission: permissionText.optional(), description: description.optional() }),
      },
    },
    async (request) => {
      const { operatorId, roleId } = request.params;
      const { permission, description: text } = request.body;
      const change = {
        ...(permission === undefined ? {} : { permission: checkedPermission(permission) }),
        ...(text === undefined ? {} : { description: text }),
      };
      const accounts = accountStore.forOperator(operatorId);
      if (!(await accounts.updateRole(roleId, change))) throw new UserError("not_found", `no role ${roleId}`);
      const role = await accounts.getRole(roleId);
      if (!role) throw new UserError("not_found", `no role ${roleId}`);
      return roleView(role);
    },
  );

  routes.delete(
    `${base}/:roleId`,
    {
      schema: {
        summary: "Delete a role (it is detached from its users)",
        tags: ["Role"],
        operationId: "deleteRole",
        params: roleParams,
      },
    },
    async (request, reply) => {
      if (!(await accountStore.forOperator(request.params.operatorId).deleteRole(request.params.roleId)))
        throw new UserError("not_found", `no role ${request.params.roleId}`);
      return reply.status(204).send();
    },
  );

  routes.get(
    `${base}/:roleId/users`,
    {
      schema: {
        summary: "The users a role is attached to",
        tags: ["Role"],
        operationId: "listRoleAttachedUsers",
        params: roleParams,
      },
    },
    async (request) => {
      const accounts = accountStore.forOperator(request.params.operatorId);
      if (!(await accounts.getRole(request.params.roleId)))
        throw new UserError("not_found", `no role ${request.params.roleId}`);
      return (await accounts.listRoleUsers(request.params.roleId)).map((userName) => ({ userName }));
    },
  );
}
