/**
 * API names (`<Group>:<operationId>`) of the server's OpenAPI document, for the `api` action's
 * least-privilege user: the studio finds the name of the one API an action calls, to allow just that.
 */
import { apiNameAmong, type OpenApiDocument, openApiRoutes } from "@conflux/core";

/** `${…}` parts of a templated path stand for one path segment's value. */
function withoutTemplates(path: string): string {
  return (path.split("?")[0] ?? path).replace(/\$\{[^}]*\}/g, "x");
}

/** The API name of `method path` in the document; literal routes win over ones with parameters. */
export function apiNameIn(document: OpenApiDocument, method: string, path: string): string | undefined {
  return apiNameAmong(openApiRoutes(document), method, withoutTemplates(path));
}

/** A user name for an action's own user: `app-<end of the app id>-<action id>`, in SORACOM's characters. */
export function apiUserNameFor(appId: string, actionId: string): string {
  return `app-${appId.slice(-6)}-${actionId}`.replace(/[^A-Za-z0-9@+=\-_.,]/g, "-").slice(0, 100);
}
