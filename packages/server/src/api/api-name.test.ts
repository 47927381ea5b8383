import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { apiNameOfSchema, requireApiNames } from "./api-name.ts";

describe("API names", () => {
  it("are the first tag and the operationId", () => {
    expect(apiNameOfSchema({ tags: ["App"], operationId: "createApp" } as never)).toBe("App:createApp");
    expect(apiNameOfSchema({ tags: ["App"] } as never)).toBeUndefined();
    expect(apiNameOfSchema(undefined)).toBeUndefined();
  });

  it("are required of every route: a server with an unnamed route does not start", async () => {
    for (const schema of [undefined, { tags: ["App"] }, { tags: ["app"], operationId: "listApps" }]) {
      const api = Fastify();
      const starting = async () => {
        await api.register(async (scope) => {
          requireApiNames(scope);
          scope.get("/v1/apps", { schema }, async () => []);
        });
        await api.ready();
      };
      await expect(starting()).rejects.toThrow(/GET \/v1\/apps needs an API name/);
      await api.close();
    }
    const named = Fastify();
    await named.register(async (scope) => {
      requireApiNames(scope);
      scope.get("/v1/apps", { schema: { tags: ["App"], operationId: "listApps" } as never }, async () => []);
    });
    await expect(named.ready()).resolves.toBeDefined();
    await named.close();
  });
});
