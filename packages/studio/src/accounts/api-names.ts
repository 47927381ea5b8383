/**
 * API names (`<Group>:<operationId>`) of the server's OpenAPI document, for the `api` action's
 * least-privilege user: the studio finds the name of the one API an action calls, to allow just that.
 */

interface OpenApiDocument {
  paths?: Record<string, Record<string, { operationId?: string; tags?: string[] }>>;
}

/** `${…}` parts of a templated path stand for one path segment's value. */
function withoutTemplates(path: string): string {
  return (path.split("?")[0] ?? path).replace(/\$\{[^}]*\}/g, "x");
}

/** The API name of `method path` in the document; literal routes win over ones with parameters. */
export function apiNameIn(document: OpenApiDocument, method: string, path: string): string | undefined {
  const pathname = withoutTemplates(path);
  const candidates = Object.entries(document.paths ?? {})
    .map(([route, operations]) => ({ route, operation: operations[method.toLowerCase()] }))
    .filter(({ route, operation }) => {
      if (!operation?.operationId || !operation.tags?.[0]) return false;
      const source = route
        .split("/")
        .map((part) =>
          part === "{*}" || part === "*"
            ? ".*"
            : part.startsWith("{")
              ? "[^/]+"
              : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
        )
        .join("/");
      return new RegExp(`^${source}$`).test(pathname);
    })
    .sort((a, b) => a.route.split("{").length - b.route.split("{").length);
  const operation = candidates[0]?.operation;
  return operation ? `${operation.tags?.[0]}:${operation.operationId}` : undefined;
}

/** A user name for an action's own user: `app-<end of the app id>-<action id>`, in SORACOM's characters. */
export function apiUserNameFor(appId: string, actionId: string): string {
  return `app-${appId.slice(-6)}-${actionId}`.replace(/[^A-Za-z0-9@+=\-_.,]/g, "-").slice(0, 100);
}
