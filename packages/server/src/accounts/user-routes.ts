import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../api/authenticate.ts";
import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import { UserError } from "../errors.ts";
import type { AccountStore, OperatorAccounts } from "../store/accounts.ts";
import type { Store } from "../store/store.ts";
import {
  checkedPermission,
  description,
  newPassword,
  operatorParams,
  optionalBody,
  permissionText,
  roleId,
  userParams,
} from "./account-schemas.ts";
import { attachedRoleView, userView } from "./account-views.ts";

/** `/users/default_permissions` is a route of its own: no user may take that name. */
const reservedUserNames = new Set(["default_permissions"]);

async function existingUser(accounts: OperatorAccounts, userName: string) {
  const user = await accounts.getUser(userName);
  if (!user) throw new UserError("not_found", `no user ${userName}`);
  return user;
}

/** Users of an operator (SORACOM's SAM users): CRUD, password, permission, roles, tokens, defaults. */
export async function userRoutes(
  api: FastifyInstance,
  { store, accountStore }: { store: Store; accountStore: AccountStore },
): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const base = "/v1/operators/:operatorId/users";

  routes.get(
    base,
    { schema: { summary: "List users", tags: ["User"], operationId: "listUsers", params: operatorParams } },
    async (request) => (await accountStore.forOperator(request.params.operatorId).listUsers()).map(userView),
  );

  routes.get(
    `${base}/default_permissions`,
    {
      schema: {
        summary: "The permission every user has besides its own and its roles'",
        tags: ["User"],
        operationId: "getDefaultPermissions",
        params: operatorParams,
      },
    },
    async (request) => ({
      defaultPermissions:
        (await accountStore.forOperator(request.params.operatorId).getDefaultPermissions()) ?? "",
    }),
  );

  routes.put(
    `${base}/default_permissions`,
    {
      schema: {
        summary: "Set the default permission (a JSON string)",
        tags: ["User"],
        operationId: "updateDefaultPermissions",
        params: operatorParams,
        body: z.object({ permissions: permissionText }),
      },
    },
    async (request, reply) => {
      const permission = checkedPermission(request.body.permissions);
      await accountStore.forOperator(request.params.operatorId).setDefaultPermissions(permission);
      return reply.status(202).send();
    },
  );

  routes.delete(
    `${base}/default_permissions`,
    {
      schema: {
        summary: "Remove the default permission",
        tags: ["User"],
        operationId: "deleteDefaultPermissions",
        params: operatorParams,
      },
    },
    async (request, reply) => {
      await accountStore.forOperator(request.params.operatorId).deleteDefaultPermissions();
      return reply.status(204).send();
    },
  );

  routes.get(
    `${base}/:userName`,
    { schema: { summary: "Read a user", tags: ["User"], operationId: "getUser", params: userParams } },
    async (request) =>
      userView(
        await existingUser(accountStore.forOperator(request.params.operatorId), request.params.userName),
      ),
  );

  routes.post(
    `${base}/:userName`,
    {
      schema: {
        summary: "Create a user with no password, no keys and no permission",
        tags: ["User"],
        operationId: "createUser",
        params: userParams,
        body: optionalBody({ description: description.default("") }),
      },
    },
    async (request, reply) => {
      const { operatorId, userName } = request.params;
      if (reservedUserNames.has(userName))
        throw new UserError("bad_request", `${userName} is not a user name`);
      const accounts = accountStore.forOperator(operatorId);
      if ((await accounts.createUser(userName, request.body.description)) === "exists")
        throw new UserError("conflict", `a user ${userName} exists`);
      return reply.status(201).send(userView(await existingUser(accounts, userName)));
    },
  );

  routes.put(
    `${base}/:userName`,
    {
      schema: {
        summary: "Change a user's description",
        tags: ["User"],
        operationId: "updateUser",
        params: userParams,
        body: z.object({ description }),
      },
    },
    async (request) => {
      const accounts = accountStore.forOperator(request.params.operatorId);
      if (!(await accounts.updateUser(request.params.userName, { description: request.body.description })))
        throw new UserError("not_found", `no user ${request.params.userName}`);
      return userView(await existingUser(accounts, request.params.userName));
    },
  );

  routes.delete(
    `${base}/:userName`,
    {
      schema: {
        summary: "Delete a user with its auth keys and tokens",
        tags: ["User"],
        operationId: "deleteUser",
        params: userParams,
      },
    },
    async (request, reply) => {
      if (!(await accountStore.forOperator(request.params.operatorId).deleteUser(request.params.userName)))
        throw new UserError("not_found", `no user ${request.params.userName}`);
      return reply.status(204).send();
    },
  );

  routes.post(
    `${base}/:userName/password`,
    {
      // A user changes its own with its current password; others need User:createUserPassword.
      config: { authorization: "self" },
      schema: {
        summary:
          "Set a user's password ({password}); a user changes its own with {currentPassword, newPassword}",
        tags: ["User"],
        operationId: "createUserPassword",
        params: userParams,
        body: z.object({
          password: newPassword.optional(),
          currentPassword: z.string().max(256).optional(),
          newPassword: newPassword.optional(),
        }),
      },
    },
    async (request, reply) => {
      const { operatorId, userName } = request.params;
      const accounts = accountStore.forOperator(operatorId);
      const current = await accounts.passwordHashOf(userName);
      if (current === undefined) throw new UserError("not_found", `no user ${userName}`);
      let password: string;
      if (principalOf(request).userName === userName) {
        const { currentPassword, newPassword: next } = request.body;
        if (currentPassword === undefined || next === undefined)
          throw new UserError(
            "bad_request",
            "to change your own password send currentPassword and newPassword",
          );
        if (current === null || !(await verifyPassword(current, currentPassword)))
          throw new UserError("bad_request", "currentPassword is not your current password");
        password = next;
      } else {
        if (request.body.password === undefined)
          throw new UserError("bad_request", "send the new password as password");
        password = request.body.password;
      }
      await accounts.updateUser(userName, { passwordHash: await hashPassword(password) });
      return reply.status(201).send();
    },
  );

  routes.put(
    `${base}/:userName/permission`,
    {
      schema: {
        summary:
          'Set a user\'s permission: a JSON string such as {"statements":[{"effect":"allow","api":"App:list*"}]}',
        tags: ["User"],
        operationId: "updateUserPermission",
        params: userParams,
        body: z.object({ permission: permissionText, description: description.optional() }),
      },
    },
    async (request) => {
      const { operatorId, userName } = request.params;
      const accounts = accountStore.forOperator(operatorId);
      const change = {
        permission: checkedPermission(request.body.permission),
        ...(request.body.description === undefined ? {} : { description: request.body.description }),
      };
      if (!(await accounts.updateUser(userName, change)))
        throw new UserError("not_found", `no user ${userName}`);
      return userView(await existingUser(accounts, userName));
    },
  );

  routes.get(
    `${base}/:userName/roles`,
    {
      schema: {
        summary: "The roles of a user",
        tags: ["Role"],
        operationId: "listUserRoles",
        params: userParams,
      },
    },
    async (request) => {
      const accounts = accountStore.forOperator(request.params.operatorId);
      return (await existingUser(accounts, request.params.userName)).roles.map(attachedRoleView);
    },
  );

  routes.post(
    `${base}/:userName/roles`,
    {
      schema: {
        summary: "Attach a role to a user",
        tags: ["Role"],
        operationId: "attachRole",
        params: userParams,
        body: z.object({ roleId }),
      },
    },
    async (request, reply) => {
      const { operatorId, userName } = request.params;
      const outcome = await accountStore.forOperator(operatorId).attachRole(userName, request.body.roleId);
      if (outcome === "no_user") throw new UserError("not_found", `no user ${userName}`);
      if (outcome === "no_role") throw new UserError("not_found", `no role ${request.body.roleId}`);
      return reply.status(200).send();
    },
  );

  routes.delete(
    `${base}/:userName/roles/:roleId`,
    {
      schema: {
        summary: "Detach a role from a user",
        tags: ["Role"],
        operationId: "detachRole",
        params: userParams.extend({ roleId }),
      },
    },
    async (request, reply) => {
      const { operatorId, userName, roleId: role } = request.params;
      if (!(await accountStore.forOperator(operatorId).detachRole(userName, role)))
        throw new UserError("not_found", `user ${userName} has no role ${role}`);
      return reply.status(200).send();
    },
  );

  routes.delete(
    `${base}/:userName/tokens`,
    {
      schema: {
        summary: "End every token of a user",
        tags: ["User"],
        operationId: "revokeUserAuthTokens",
        params: userParams,
      },
    },
    async (request, reply) => {
      const { operatorId, userName } = request.params;
      await existingUser(accountStore.forOperator(operatorId), userName);
      await store.deleteTokensOf(operatorId, userName);
      return reply.status(204).send();
    },
  );
}
