import { validateApp } from "@conflux/core";
import { describe, expect, it } from "vitest";
import codeActionDoc from "../../../../docs/code-action.md?raw";
import { addAction, changeActionType } from "./app-edits.ts";
import { codeStarter } from "./code-starter.ts";
import { coldChainApp } from "./test-apps.ts";

describe("the code action's starter", () => {
  it("a new code action starts with the starter and the app stays valid", () => {
    const { appId: _a, createdAt: _c, updatedAt: _u, version: _v, ...app } = coldChainApp();
    const added = addAction(app, "code", "readings");
    const action = added.app.actions.find((candidate) => candidate.actionId === added.actionId);
    expect(action?.config).toEqual({ source: codeStarter });
    expect(validateApp(added.app)).toEqual({ ok: true, app: expect.anything() });
  });

  it("changing an action to code gives it the starter too", () => {
    const { appId: _a, createdAt: _c, updatedAt: _u, version: _v, ...app } = coldChainApp();
    const changed = changeActionType(app, "notify", "code");
    expect(changed.actions.find((action) => action.actionId === "notify")?.config).toEqual({
      source: codeStarter,
    });
  });

  it("is the docs' tested example, so it runs in the sandbox as it is", () => {
    // docs.test.ts in packages/server runs every `code-example` block and checks its result.
    expect(codeActionDoc).toContain(`\`\`\`js code-example\n${codeStarter}\`\`\``);
  });
});
