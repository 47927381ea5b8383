import { compileTemplateOnce } from "../../expressions/compiled-expressions.ts";
import { type ActionDefinition, ActionError } from "./action.ts";
import { renderText } from "./render.ts";

/** Writes the input (or a rendered value) as an entry in the data store, under one of the operator's devices. */
export const dataStoreAction: ActionDefinition<"data-store"> = {
  type: "data-store",
  async run(config, { scope, devices }) {
    const deviceId = renderText(config.deviceId, scope);
    // The registry is scoped to this operator: another operator's device is as absent as a missing one.
    if (!deviceId || !(await devices.registry.owns(deviceId)))
      throw new ActionError("device_not_found", `no device '${deviceId}' to store data under`);
    const value = config.value
      ? compileTemplateOnce(config.value, "json").render(scope)
      : (scope.payload ?? null);
    const time = Date.now();
    // The entry commits with the step (a retried step stores it once), sharing its transaction.
    const insert = devices.data.insertion([
      {
        resourceType: "Device",
        resourceId: deviceId,
        time,
        contentType: "application/json",
        content: JSON.stringify(value),
      },
    ]);
    return { result: { stored: true, time }, alsoWrite: (trx) => insert(trx) };
  },
};
