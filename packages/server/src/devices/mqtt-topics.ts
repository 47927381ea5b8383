/** Downlink through an external broker: a command to one device, on MQTT topic `devices/{deviceId}/commands`. */
export interface DeviceCommands {
  /** Resolves once the broker has taken the message (QoS 1). */
  send(deviceId: string, payload: Buffer): Promise<void>;
}

export function commandTopic(deviceId: string): string {
  return `devices/${deviceId}/commands`;
}

export function dataTopic(deviceId: string): string {
  return `devices/${deviceId}/data`;
}
