import type { FastifyInstance, FastifyRequest, FastifySchema } from "fastify";

/** The API name of a route's schema: `<Group>:<operationId>` from its first tag and operationId. */
export function apiNameOfSchema(schema: FastifySchema | undefined): string | undefined {
  const group = (schema as { tags?: string[] } | undefined)?.tags?.[0];
  const operationId = (schema as { operationId?: string } | undefined)?.operationId;
  return group && operationId ? `${group}:${operationId}` : undefined;
}

/**
 * The API name of the request's route, `<Group>:<operationId>` from its schema's first tag and
 * operationId (accounts.md), or undefined for a route that has neither.
 */
export function apiNameOf(request: FastifyRequest): string | undefined {
  return apiNameOfSchema(request.routeOptions.schema);
}

const groupShape = /^[A-Z][A-Za-z]*$/;
const operationShape = /^[a-z][A-Za-z]*$/;

/**
 * Every route registered in `api` after this call must carry an API name (PascalCase group,
 * camelCase operationId), else the server does not start: permissions are checked by that name,
 * so a route without one could not be allowed or denied.
 */
export function requireApiNames(api: FastifyInstance): void {
  api.addHook("onRoute", (route) => {
    const schema = route.schema as { tags?: string[]; operationId?: string } | undefined;
    const group = schema?.tags?.[0];
    const operationId = schema?.operationId;
    if (!group || !operationId || !groupShape.test(group) || !operationShape.test(operationId))
      throw new Error(
        `route ${String(route.method)} ${route.url} needs an API name: schema.tags ["<Group>"] and a camelCase schema.operationId`,
      );
  });
}
