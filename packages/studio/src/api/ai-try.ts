import type { JsonValue } from "@conflux/core";
import type { TryActionType, TryOutcome } from "../editor/contract.ts";
import { ApiError, describeError } from "./client.ts";
import type { ConfluxApi } from "./conflux-api.ts";

/**
 * The editor's "Try it" on the API: a failed action and a refused request (settings that do not
 * validate, a lost connection) both come back as a code and a message to show at the button.
 */
export function tryActionWith(api: Pick<ConfluxApi, "tryAction">) {
  return async (type: TryActionType, config: JsonValue, payload: JsonValue): Promise<TryOutcome> => {
    try {
      const answer = await api.tryAction(type, config, payload);
      return answer.status === "completed"
        ? { ok: true, result: answer.result, usage: answer.usage }
        : { ok: false, code: answer.error.code, message: answer.error.message };
    } catch (error) {
      return {
        ok: false,
        code: error instanceof ApiError ? error.code : "request_failed",
        message: describeError(error),
      };
    }
  };
}
