import { describe, expect, it } from "vitest";
import { apiNameIn, apiUserNameFor } from "./api-names.ts";

const document = {
  paths: {
    "/v1/apps": {
      get: { operationId: "listApps", tags: ["App"] },
      post: { operationId: "createApp", tags: ["App"] },
    },
    "/v1/apps/{appId}": { get: { operationId: "getApp", tags: ["App"] } },
    "/v1/apps/import": { post: { operationId: "importApp", tags: ["App"] } },
    "/v1/apps/{appId}/channels/{channelId}/messages": {
      post: { operationId: "sendMessage", tags: ["Message"] },
    },
    "/v1/files/{*}": { get: { operationId: "getFile", tags: ["FileEntry"] } },
  },
};

describe("the API name of an action's call", () => {
  it("matches the method and the path, templates standing for a segment", () => {
    expect(apiNameIn(document, "GET", "/v1/apps")).toBe("App:listApps");
    expect(apiNameIn(document, "POST", "/v1/apps?dryRun=true")).toBe("App:createApp");
    expect(apiNameIn(document, "GET", "/v1/apps/${payload.appId}")).toBe("App:getApp");
    expect(apiNameIn(document, "POST", "/v1/apps/01ABC/channels/${payload.ch}/messages")).toBe(
      "Message:sendMessage",
    );
    expect(apiNameIn(document, "GET", "/v1/files/cam/a.jpg")).toBe("FileEntry:getFile");
  });

  it("prefers a literal route, and finds none for an unknown path or method", () => {
    expect(apiNameIn(document, "POST", "/v1/apps/import")).toBe("App:importApp");
    expect(apiNameIn(document, "DELETE", "/v1/apps")).toBeUndefined();
    expect(apiNameIn(document, "GET", "/v1/nothing")).toBeUndefined();
  });

  it("names the action's user in SORACOM's characters", () => {
    expect(apiUserNameFor("01HZZZABCDEF", "notify ops")).toBe("app-ABCDEF-notify-ops");
  });
});
