import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, createSessionHttpClient } from "./client.ts";
import { createConfluxApi } from "./conflux-api.ts";

function answer(status: number, body: unknown) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

afterEach(() => vi.unstubAllGlobals());

describe("the API client", () => {
  it("sends the studio header and the body as JSON", async () => {
    const fetchMock = vi.fn(async () => answer(201, { appId: "a1" }));
    vi.stubGlobal("fetch", fetchMock);
    const http = createSessionHttpClient(() => true, vi.fn());
    expect(await http.json("POST", "/v1/apps", { body: { name: "x" } })).toEqual({ appId: "a1" });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/v1/apps");
    expect(init.headers).toEqual({ "x-conflux-studio": "1", "content-type": "application/json" });
    expect(init.body).toBe('{"name":"x"}');
  });

  it("saves an app on the version it was loaded at (If-Match), and reports a save made elsewhere", async () => {
    const fetchMock = vi.fn(async () =>
      answer(412, {
        code: "precondition_failed",
        message: "app a1 was saved elsewhere since version 3: it is at version 4 now.",
      }),
    );
    vi.stubGlobal("fetch", fetchMock);
    const api = createConfluxApi(createSessionHttpClient(() => true, vi.fn()));
    const definition = { name: "x", description: "", tags: {}, channels: [], actions: [] };
    const error = await api.updateApp("a1", definition, 3).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 412, code: "precondition_failed" });
    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.headers).toMatchObject({ "if-match": '"3"', "x-conflux-studio": "1" });
  });

  it("restores a version in one request on the version the page loaded (If-Match), and lists versions by page", async () => {
    const definition = { name: "x", description: "", tags: {}, channels: [], actions: [] };
    const fetchMock = vi.fn(async (url: string) =>
      answer(
        200,
        url.includes("/versions?")
          ? { items: [{ appId: "a1", version: 1 }], nextCursor: null }
          : { ...definition, appId: "a1", version: 5 },
      ),
    );
    vi.stubGlobal("fetch", fetchMock);
    const api = createConfluxApi(createSessionHttpClient(() => true, vi.fn()));
    expect(await api.restoreAppVersion("a1", 2, 4)).toMatchObject({ version: 5 });
    const calls = fetchMock.mock.calls as unknown as [string, RequestInit][];
    expect(calls.map(([url, init]) => `${init.method} ${url}`)).toEqual([
      "POST /v1/apps/a1/versions/2/restore",
    ]);
    expect(calls[0]?.[1].headers).toMatchObject({ "if-match": '"4"', "x-conflux-studio": "1" });
    expect(calls[0]?.[1].body).toBeUndefined();

    // Before the page knows the version, the restore is unconditional.
    await api.restoreAppVersion("a1", 2, undefined);
    expect(calls[1]?.[1].headers).not.toHaveProperty("if-match");

    // The list's {items, nextCursor} as the server sent it; the next page goes by that cursor.
    expect(await api.listAppVersions("a1", { limit: 20 })).toEqual({
      items: [{ appId: "a1", version: 1 }],
      nextCursor: null,
    });
    await api.listAppVersions("a1", { limit: 20, cursor: "21" });
    expect(calls.slice(2).map(([url]) => url)).toEqual([
      "/v1/apps/a1/versions?limit=20",
      "/v1/apps/a1/versions?limit=20&cursor=21",
    ]);
  });

  it("a restore refused because the app was saved elsewhere is an ApiError with status 412", async () => {
    vi.stubGlobal("fetch", async () =>
      answer(412, {
        code: "precondition_failed",
        message:
          "app a1 was saved elsewhere since version 4: it is at version 5 now. Load it again, then restore the version.",
      }),
    );
    const api = createConfluxApi(createSessionHttpClient(() => true, vi.fn()));
    const error = await api.restoreAppVersion("a1", 2, 4).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 412, code: "precondition_failed" });
  });

  it("turns the API's {code, message, details} into an ApiError", async () => {
    const details = [{ path: "actions.0.condition", message: "Unexpected ')' at column 3", column: 3 }];
    vi.stubGlobal("fetch", async () =>
      answer(400, { code: "validation_failed", message: "Unexpected ')'", details }),
    );
    const http = createSessionHttpClient(() => false, vi.fn());
    const error = await http.json("PUT", "/v1/apps/a1", { body: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: "validation_failed",
      message: "Unexpected ')'",
      details,
    });
  });

  it("says the server cannot be reached when fetch fails, and names a non-JSON error by its status", async () => {
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("Failed to fetch");
    });
    const http = createSessionHttpClient(() => false, vi.fn());
    await expect(http.json("GET", "/v1/apps")).rejects.toMatchObject({ status: 0, code: "network" });
    vi.stubGlobal("fetch", async () => new Response("<html>bad gateway</html>", { status: 502 }));
    await expect(http.json("GET", "/v1/apps")).rejects.toMatchObject({ status: 502, code: "http_error" });
  });

  it("ends the session on a 401 to an authenticated call, but not on a failed log-in", async () => {
    vi.stubGlobal("fetch", async () => answer(401, { code: "unauthorized", message: "expired" }));
    const onUnauthorized = vi.fn();
    const signedIn = createSessionHttpClient(() => true, onUnauthorized);
    await expect(signedIn.json("GET", "/v1/apps")).rejects.toMatchObject({ code: "unauthorized" });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    const signedOut = createSessionHttpClient(() => false, onUnauthorized);
    await expect(signedOut.json("POST", "/v1/auth", { body: {} })).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it("returns undefined for 204 and sends a YAML body as it is", async () => {
    const fetchMock = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal("fetch", fetchMock);
    const http = createSessionHttpClient(() => false, vi.fn());
    expect(
      await http.json("POST", "/v1/apps/import", { body: "name: x\n", contentType: "application/yaml" }),
    ).toBe(undefined);
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(init.body).toBe("name: x\n");
    expect((init.headers as Record<string, string>)["content-type"]).toBe("application/yaml");
  });

  it("in the studio's session sends no credentials of its own, only the studio header the cookie needs", async () => {
    const fetchMock = vi.fn(async () => answer(401, { code: "unauthorized", message: "expired" }));
    vi.stubGlobal("fetch", fetchMock);
    const onUnauthorized = vi.fn();
    let signedIn = true;
    const http = createSessionHttpClient(() => signedIn, onUnauthorized);
    await expect(http.json("POST", "/v1/apps", { body: {} })).rejects.toMatchObject({ status: 401 });
    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(init.headers).toEqual({ "x-conflux-studio": "1", "content-type": "application/json" });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    // A 401 before signing in (a wrong password) ends no session.
    signedIn = false;
    await expect(http.json("POST", "/v1/auth/session", { body: {} })).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it("reads runs and failed deliveries from the list envelope, asking for the next page by cursor", async () => {
    const fetchMock = vi.fn(async () => answer(200, { items: [{ runId: "r2" }], nextCursor: "r2" }));
    vi.stubGlobal("fetch", fetchMock);
    const api = createConfluxApi(createSessionHttpClient(() => true, vi.fn()));
    const page = { items: [{ runId: "r2" }], nextCursor: "r2" };
    expect(await api.listRuns("a1", { status: "failed", cursor: "r9", limit: 1 })).toEqual(page);
    expect(await api.listFailedDeliveries({ appId: "a1", cursor: "s9" })).toEqual(page);
    const urls = (fetchMock.mock.calls as unknown as [string][]).map(([url]) => url);
    expect(urls).toEqual([
      "/v1/apps/a1/runs?status=failed&cursor=r9&limit=1",
      "/v1/failed_deliveries?appId=a1&cursor=s9",
    ]);
  });

  it("reads the AI models from the list envelope, whole in one page", async () => {
    const model = { model: "openai/gpt-4.1-mini", available: true };
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => answer(200, { items: [model], nextCursor: null })),
    );
    const api = createConfluxApi(createSessionHttpClient(() => true, vi.fn()));
    expect(await api.listAiModels()).toEqual([model]);
  });
});
