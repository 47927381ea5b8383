import type { FastifyRequest } from "fastify";

/**
 * The API name of the request's route, `<Group>:<operationId>` from its schema's first tag and
 * operationId (accounts.md), or undefined for a route that has neither.
 */
export function apiNameOf(request: FastifyRequest): string | undefined {
  const schema = request.routeOptions.schema;
  const group = schema?.tags?.[0];
  const operationId = (schema as { operationId?: string } | undefined)?.operationId;
  return group && operationId ? `${group}:${operationId}` : undefined;
}
