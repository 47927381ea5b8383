import { describe, expect, it } from "vitest";
import { saveOutcomeOf, toFieldProblems } from "./app-definition.ts";
import { ApiError } from "./client.ts";

describe("save problems from the API", () => {
  it("become editor problems with array paths and the column", () => {
    const error = new ApiError(
      400,
      "validation_failed",
      "Unexpected ')' at column 14 (and 1 more problems)",
      [
        { path: "actions.2.condition", message: "Unexpected ')' at column 14", column: 14 },
        { path: "name", message: "an app needs a name" },
      ],
    );
    expect(saveOutcomeOf(error)).toEqual({
      ok: false,
      message: "Unexpected ')' at column 14 (and 1 more problems)",
      problems: [
        { path: ["actions", 2, "condition"], message: "Unexpected ')' at column 14", column: 14 },
        { path: ["name"], message: "an app needs a name" },
      ],
    });
  });

  it("other failures are one message without fields", () => {
    expect(saveOutcomeOf(new ApiError(0, "network", "Cannot reach the Conflux server."))).toEqual({
      ok: false,
      message: "Cannot reach the Conflux server.",
      problems: [],
    });
    expect(toFieldProblems("not a list")).toEqual([]);
  });
});
