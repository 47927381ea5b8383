import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client.ts";
import type { AccountsApi } from "./accounts-api.ts";
import { createApiUser } from "./api-user.ts";

const document = {
  paths: {
    "/v1/apps/{appId}": { get: { operationId: "getApp", tags: ["App"] } },
    "/v1/auth/logout": { post: { operationId: "logout", tags: ["Auth"] } },
  },
};

function accounts(createUser: AccountsApi["createUser"]) {
  const setUserPermission = vi.fn(async () => undefined);
  const api = {
    openApiDocument: async () => document,
    createUser,
    setUserPermission,
  } as unknown as AccountsApi;
  return { api, setUserPermission };
}

describe("an api action's least-privilege user", () => {
  it("is allowed exactly the API the action calls", async () => {
    const { api, setUserPermission } = accounts(vi.fn(async () => undefined));
    const outcome = await createApiUser(api, "01HAPPXYZ123", {
      actionId: "read",
      method: "GET",
      path: "/v1/apps/${payload.appId}",
    });
    expect(outcome).toEqual({ ok: true, userName: "app-XYZ123-read", apiName: "App:getApp" });
    expect(setUserPermission).toHaveBeenCalledWith(
      "app-XYZ123-read",
      '{"statements":[{"effect":"allow","api":"App:getApp"}]}',
      "Only App:getApp, for an api action",
    );
  });

  it("is narrowed again when it exists, and never made for Auth:* or an unknown API", async () => {
    const exists = vi.fn(async () => {
      throw new ApiError(409, "conflict", "a user app-XYZ123-read exists");
    });
    expect(
      (
        await createApiUser(accounts(exists).api, "01HAPPXYZ123", {
          actionId: "read",
          method: "GET",
          path: "/v1/apps/1",
        })
      ).ok,
    ).toBe(true);
    const create = vi.fn(async () => undefined);
    expect(
      await createApiUser(accounts(create).api, "A", {
        actionId: "x",
        method: "POST",
        path: "/v1/auth/logout",
      }),
    ).toEqual({
      ok: false,
      message: "Auth:logout cannot be called from an app.",
    });
    expect(
      await createApiUser(accounts(create).api, "A", { actionId: "x", method: "DELETE", path: "/v1/apps/1" }),
    ).toEqual({
      ok: false,
      message: "No API takes DELETE /v1/apps/1.",
    });
    expect(create).not.toHaveBeenCalled();
  });
});
