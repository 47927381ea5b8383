/**
 * The API names (`<Group>:<operationId>`, accounts.md) of an OpenAPI document's routes, matched to a
 * method and path: the server's `api` action and the studio's least-privilege user both need them.
 */

export interface OpenApiDocument {
  paths?: Record<string, Record<string, { operationId?: string; tags?: string[] }>>;
}

export interface OpenApiRoute {
  method: string;
  pattern: RegExp;
  apiName: string;
  /** Literal routes win over ones with parameters (`/v1/apps/import` over `/v1/apps/{appId}`). */
  parameters: number;
}

function patternOf(path: string): RegExp {
  const source = path
    .split("/")
    .map((part) =>
      part === "{*}" || part === "*"
        ? ".*"
        : part.startsWith("{")
          ? "[^/]+"
          : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("/");
  return new RegExp(`^${source}$`);
}

/** Every named route of the document, most literal first. */
export function openApiRoutes(document: OpenApiDocument): OpenApiRoute[] {
  const routes: OpenApiRoute[] = [];
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    const pattern = patternOf(path);
    const parameters = path.split("{").length - 1;
    for (const [method, operation] of Object.entries(operations)) {
      const tag = operation.tags?.[0];
      if (!tag || !operation.operationId) continue;
      routes.push({
        method: method.toUpperCase(),
        pattern,
        apiName: `${tag}:${operation.operationId}`,
        parameters,
      });
    }
  }
  return routes.sort((a, b) => a.parameters - b.parameters);
}

/** The API name of `method pathname` among the routes (from `openApiRoutes`), if a route takes it. */
export function apiNameAmong(
  routes: readonly OpenApiRoute[],
  method: string,
  pathname: string,
): string | undefined {
  const upper = method.toUpperCase();
  return routes.find((route) => route.method === upper && route.pattern.test(pathname))?.apiName;
}
