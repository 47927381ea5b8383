import type { ActionDefinition } from "./action.ts";

/**
 * Adds its input to the action's open batch; the batch goes to the output as `{"messages": […]}` once it
 * holds `count` messages or `windowSeconds` after its first, whichever comes first (collect-batches.ts).
 */
export const collectAction: ActionDefinition<"collect"> = {
  type: "collect",
  async run(config, context) {
    return {
      result: { collected: true },
      alsoWrite: context.collectBatches.add(config, JSON.stringify(context.scope.payload ?? null)),
      outputLater: true,
    };
  },
};
