import type { ActionDefinition } from "./action.ts";
import { renderTransform } from "./render.ts";

/** Reshapes the input with its transform, or passes it on unchanged. */
export const republishAction: ActionDefinition<"republish"> = {
  type: "republish",
  async run(config, { scope }) {
    return { result: config.transform ? renderTransform(config.transform, scope) : (scope.payload ?? null) };
  },
};
