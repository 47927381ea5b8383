import { validateApp } from "@conflux/core";
import { describe, expect, it } from "vitest";
import { appTemplates } from "./templates.ts";

describe("the new-app templates", () => {
  it("are blank and every example in docs/examples, each a valid app with a title and one-line description", () => {
    expect(appTemplates[0]?.id).toBe("blank");
    expect(appTemplates.map((template) => template.id)).toContain("cold-chain-alert");
    for (const template of appTemplates) {
      expect(validateApp(template.definition)).toMatchObject({ ok: true });
      expect(template.title.length).toBeGreaterThan(0);
      expect(template.description).not.toMatch(/\n/);
    }
    const coldChain = appTemplates.find((template) => template.id === "cold-chain-alert");
    expect(coldChain?.title).toBe("Cold-chain alert");
    expect(coldChain?.definition.actions.map((action) => action.actionId)).toEqual(["too-warm", "notify"]);
  });
});
