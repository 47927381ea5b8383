import { type ActionDefinition, ActionError } from "./action.ts";
import { renderText } from "./render.ts";

/** Sends a command to one of the operator's devices over MQTT (`devices/{deviceId}/commands`, QoS 1). */
export const deviceCommandAction: ActionDefinition<"device-command"> = {
  type: "device-command",
  async run(config, { scope, devices }) {
    const deviceId = renderText(config.deviceId, scope);
    if (!deviceId || !(await devices.registry.owns(deviceId)))
      throw new ActionError("device_not_found", `no device '${deviceId}' to send a command to`);
    const topic = await devices.commands.send(deviceId, Buffer.from(renderText(config.payload, scope)));
    return { result: { deviceId, topic } };
  },
};
