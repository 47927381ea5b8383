import { validateApp } from "@conflux/core";
import { describe, expect, it } from "vitest";
import { definitionOf } from "./contract.ts";
import { countByNode, locateProblem, locateProblems, problemsAt } from "./problems.ts";
import { coldChainApp } from "./test-apps.ts";

const app = definitionOf(coldChainApp());

describe("problems", () => {
  it("locates an action's field from an array path or the API's dotted path, keeping the column", () => {
    const expected = { nodeId: "action:notify", field: "condition", message: "bad", column: 7 };
    expect(locateProblem(app, { path: ["actions", 1, "condition"], message: "bad", column: 7 })).toEqual(
      expected,
    );
    expect(locateProblem(app, { path: "actions.1.condition", message: "bad", column: 7 })).toEqual(expected);
  });

  it("puts event source problems on the source node and channel problems on the channel", () => {
    expect(locateProblem(app, { path: "channels.0.eventSource.config.cron", message: "m" })).toEqual({
      nodeId: "source:readings",
      field: "config.cron",
      message: "m",
    });
    expect(locateProblem(app, { path: ["channels", 1, "name"], message: "m" }).nodeId).toBe("channel:alerts");
  });

  it("keeps app-level problems on the app", () => {
    expect(locateProblem(app, { path: "name", message: "an app needs a name" })).toEqual({
      nodeId: null,
      field: "name",
      message: "an app needs a name",
    });
    expect(locateProblem(app, { path: "actions", message: "too many" }).nodeId).toBeNull();
  });

  it("locates what validateApp finds, and counts problems per node", () => {
    const broken = structuredClone(app);
    const [tooWarm, notify] = broken.actions;
    if (!tooWarm || !notify) throw new Error("test app changed");
    tooWarm.condition = "payload.temp >";
    (notify.config as { url: string }).url = "https://x/${payload.}";
    const validation = validateApp(broken);
    expect(validation.ok).toBe(false);
    const located = locateProblems(broken, validation.ok ? [] : validation.problems);
    expect(located.map((p) => [p.nodeId, p.field, p.column])).toEqual([
      ["action:too-warm", "condition", 15],
      ["action:notify", "config.url", 21],
    ]);
    expect(countByNode(located)).toEqual(
      new Map([
        ["action:too-warm", 1],
        ["action:notify", 1],
      ]),
    );
    expect(problemsAt(located, "action:notify", "config")).toEqual([]);
    expect(problemsAt(located, "action:notify", "config", true)).toHaveLength(1);
  });
});
