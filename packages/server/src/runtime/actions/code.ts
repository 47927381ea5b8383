import type { JsonValue } from "@conflux/core";
import { runUserCode } from "../../sandbox/quickjs.ts";
import type { ActionDefinition } from "./action.ts";

/** Runs the operator's JavaScript in a QuickJS sandbox: no network, no files, limited time and memory. */
export const codeAction: ActionDefinition<"code"> = {
  type: "code",
  async run(config, { scope, operator }) {
    const { result, logs } = await runUserCode(
      config.source,
      { payload: scope.payload ?? null, context: scope.context ?? null, event: scope.event ?? null },
      config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs },
      operator.operatorId,
    );
    return { result: (result ?? null) as JsonValue, ...(logs.length ? { usage: { logs } } : {}) };
  },
};
