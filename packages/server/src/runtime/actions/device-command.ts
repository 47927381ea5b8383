import { type ActionDefinition, ActionError } from "./action.ts";
import { renderText } from "./render.ts";

/**
 * Sends a command to one of the operator's devices (MQTT `devices/{deviceId}/commands`, QoS 1) through the
 * command outbox: the result is the command's id and status. The step's idempotency key goes with it, so
 * a retried step does not send the command twice.
 */
export const deviceCommandAction: ActionDefinition<"device-command"> = {
  type: "device-command",
  async run(config, { scope, devices, idempotencyKey }) {
    const deviceId = renderText(config.deviceId, scope);
    if (!deviceId || !(await devices.registry.owns(deviceId)))
      throw new ActionError("device_not_found", `no device '${deviceId}' to send a command to`);
    const command = await devices.commands.send(deviceId, renderText(config.payload, scope), {
      idempotencyKey,
    });
    return {
      result: { deviceId, topic: command.topic, commandId: command.commandId, status: command.status },
    };
  },
};
