import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { hashSecret, newAuthKeyId, newAuthKeySecret } from "../auth/tokens.ts";
import { UserError } from "../errors.ts";
import { type AccountStore, maxAuthKeysPerOwner } from "../store/accounts.ts";
import { authKeyId, operatorParams, userParams } from "./account-schemas.ts";
import { authKeyView } from "./account-views.ts";

/**
 * Auth keys of the root user and of users, for programs: the secret is shown once, in the answer
 * that creates the key, and kept only as its hash.
 */
export async function authKeyRoutes(
  api: FastifyInstance,
  { accountStore }: { accountStore: AccountStore },
): Promise<void> {
  const routes = api.withTypeProvider<ZodTypeProvider>();

  /** Creates a key for `owner` (undefined: the root user) and answers its id and secret. */
  async function createKey(operatorId: string, owner: string | undefined) {
    const authKeyId = newAuthKeyId();
    const authKey = newAuthKeySecret();
    const outcome = await accountStore
      .forOperator(operatorId)
      .createAuthKey(owner, authKeyId, hashSecret(authKey));
    if (outcome === "no_user") throw new UserError("not_found", `no user ${owner}`);
    if (outcome === "limit")
      throw new UserError(
        "bad_request",
        `${owner === undefined ? "the root user" : `user ${owner}`} has ${maxAuthKeysPerOwner} auth keys already; delete one first`,
      );
    return { authKeyId, authKey };
  }

  routes.get(
    "/v1/operators/:operatorId/auth_keys",
    {
      schema: {
        summary: "The root user's auth keys (without secrets)",
        tags: ["AuthKey"],
        operationId: "listOperatorAuthKeys",
        params: operatorParams,
      },
    },
    async (request) =>
      (await accountStore.forOperator(request.params.operatorId).listAuthKeys()).map(authKeyView),
  );

  routes.post(
    "/v1/operators/:operatorId/auth_keys",
    {
      schema: {
        summary: "Create an auth key for the root user: the secret is shown this once",
        tags: ["AuthKey"],
        operationId: "createOperatorAuthKey",
        params: operatorParams,
      },
    },
    async (request, reply) => reply.status(201).send(await createKey(request.params.operatorId, undefined)),
  );

  routes.delete(
    "/v1/operators/:operatorId/auth_keys/:authKeyId",
    {
      schema: {
        summary: "Delete an auth key of the root user",
        tags: ["AuthKey"],
        operationId: "deleteOperatorAuthKey",
        params: operatorParams.extend({ authKeyId }),
      },
    },
    async (request, reply) => {
      const { operatorId, authKeyId: id } = request.params;
      if (!(await accountStore.forOperator(operatorId).deleteAuthKey(undefined, id)))
        throw new UserError("not_found", `no auth key ${id}`);
      return reply.status(204).send();
    },
  );

  routes.get(
    "/v1/operators/:operatorId/users/:userName/auth_keys",
    {
      schema: {
        summary: "A user's auth keys (without secrets)",
        tags: ["AuthKey"],
        operationId: "listUserAuthKeys",
        params: userParams,
      },
    },
    async (request) => {
      const { operatorId, userName } = request.params;
      const accounts = accountStore.forOperator(operatorId);
      if (!(await accounts.getUser(userName))) throw new UserError("not_found", `no user ${userName}`);
      return (await accounts.listAuthKeys(userName)).map(authKeyView);
    },
  );

  routes.post(
    "/v1/operators/:operatorId/users/:userName/auth_keys",
    {
      schema: {
        summary: "Create an auth key for a user: the secret is shown this once",
        tags: ["AuthKey"],
        operationId: "createUserAuthKey",
        params: userParams,
      },
    },
    async (request) => createKey(request.params.operatorId, request.params.userName),
  );

  routes.delete(
    "/v1/operators/:operatorId/users/:userName/auth_keys/:authKeyId",
    {
      schema: {
        summary: "Delete an auth key of a user",
        tags: ["AuthKey"],
        operationId: "deleteUserAuthKey",
        params: userParams.extend({ authKeyId }),
      },
    },
    async (request, reply) => {
      const { operatorId, userName, authKeyId: id } = request.params;
      if (!(await accountStore.forOperator(operatorId).deleteAuthKey(userName, id)))
        throw new UserError("not_found", `user ${userName} has no auth key ${id}`);
      return reply.status(204).send();
    },
  );
}
