import type { DeviceListeners } from "./console-api.ts";

/** One way to send a message: a title, what to know first, and a command to copy (absent when off). */
export interface ConnectionCommand {
  protocol: "HTTP" | "MQTT" | "UDP" | "TCP";
  note: string;
  command?: string;
}

const sample = '{"temp":4.5}';

/** A string as one single-quoted shell word. */
const shellWord = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * A Node.js script that sends one version 1 frame (docs/devices.md, UDP and TCP) and prints the reply's
 * status and message. The secret comes from $SECRET, never from the page.
 */
function frameScript(transport: "udp" | "tcp", deviceId: string, host: string, port: number): string {
  const send =
    transport === "udp"
      ? [
          'const socket = (await import("node:dgram")).createSocket("udp4");',
          'socket.on("message", (reply) => { show(reply); socket.close(); });',
          `socket.send(frame, ${port}, ${JSON.stringify(host)});`,
        ]
      : [
          `const socket = (await import("node:net")).connect(${port}, ${JSON.stringify(host)});`,
          'socket.on("data", (reply) => { show(reply); socket.end(); });',
          "socket.write(frame);",
        ];
  const lines = [
    `const id = Buffer.from(${JSON.stringify(deviceId)}), secret = Buffer.from(process.env.SECRET);`,
    `const payload = Buffer.from(${JSON.stringify(sample)});`,
    "const frame = Buffer.concat([Buffer.from([1, 0, 1, id.length]), id, Buffer.from([secret.length]), secret,",
    "  Buffer.from([payload.length >> 8, payload.length & 255]), payload]);",
    'const show = (reply) => console.log("status", reply[3], reply.subarray(6).toString());',
    ...send,
  ];
  return `node --input-type=module -e ${shellWord(lines.join("\n"))}`;
}

/**
 * How this device sends a sample reading over each protocol, to the server at `origin` (the address the
 * studio is served from) and the listeners it reports. Every command reads the secret from $SECRET.
 */
export function connectionCommands(
  deviceId: string,
  origin: string,
  listeners: DeviceListeners | undefined,
): ConnectionCommand[] {
  const host = new URL(origin).hostname.replace(/^\[(.*)\]$/, "$1");
  const dataTopic = `devices/${deviceId}/data`;
  const commands: ConnectionCommand[] = [
    {
      protocol: "HTTP",
      note: "The secret as a bearer token; 202 once the message is stored.",
      command: [
        `curl -X POST ${shellWord(`${origin}/v1/devices/${encodeURIComponent(deviceId)}/data`)} \\`,
        `  -H "Authorization: Bearer $SECRET" -H 'content-type: application/json' \\`,
        `  -d ${shellWord(sample)}`,
      ].join("\n"),
    },
  ];
  const mqtt = listeners?.mqtt;
  if (mqtt?.mode === "embedded" && mqtt.port !== null)
    commands.push({
      protocol: "MQTT",
      note: `MQTT 3.1.1 on port ${mqtt.port}: user name and client id the device id, password the secret. Commands arrive on devices/${deviceId}/commands.`,
      command: [
        `mosquitto_pub -h ${host} -p ${mqtt.port} -i ${deviceId} -u ${deviceId} -P "$SECRET" \\`,
        `  -q 1 -t ${dataTopic} -m ${shellWord(sample)}`,
      ].join("\n"),
    });
  else if (mqtt?.mode === "external")
    commands.push({
      protocol: "MQTT",
      note: `This server reads an external broker: the device connects to that broker (with the credentials it gives) and publishes to ${dataTopic}.`,
    });
  else
    commands.push({
      protocol: "MQTT",
      note: listeners ? "MQTT is off on this server." : "Loading the broker's port…",
    });
  const socketPort = listeners?.socketPort;
  for (const transport of ["udp", "tcp"] as const)
    commands.push(
      typeof socketPort === "number"
        ? {
            protocol: transport === "udp" ? "UDP" : "TCP",
            note: `Port ${socketPort}: one frame per message (docs/devices.md, UDP and TCP); reply status 0 is stored.`,
            command: frameScript(transport, deviceId, host, socketPort),
          }
        : {
            protocol: transport === "udp" ? "UDP" : "TCP",
            note: listeners ? "UDP and TCP are off on this server." : "Loading the port…",
          },
    );
  return commands;
}
