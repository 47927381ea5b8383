import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { operatorOf } from "../api/authenticate.ts";
import { pageOf, pageQuery } from "../api/list-envelope.ts";
import { hashSecret } from "../auth/tokens.ts";
import { UserError } from "../errors.ts";
import type { OperatorStore } from "../store/store.ts";
import { maxPage } from "./data-store.ts";
import { maxCommandPage } from "./device-commands.ts";
import type { DevicesConfig } from "./device-config.ts";
import { type GroupConfig, groupConfigSchema, newDeviceSecret, tagsSchema } from "./device-registry.ts";
import type { DeviceServices } from "./device-services.ts";

const groupBody = z.object({
  name: z.string().min(1).max(256),
  tags: tagsSchema,
  config: groupConfigSchema.default({ binding: null, keepData: false, binaryParser: null }),
});
const deviceBody = z.object({
  name: z.string().max(256).default(""),
  groupId: z.string().max(64).nullable().default(null),
  tags: tagsSchema,
});
const groupParams = z.object({ groupId: z.string().max(64) });
const deviceParams = z.object({ deviceId: z.string().max(64) });

/** A binding names a channel of one of the operator's apps whose event source is `device`. */
async function checkBinding(store: OperatorStore, groupId: string | undefined, config: GroupConfig) {
  const { binding } = config;
  if (!binding) return;
  const app = await store.getApp(binding.appId);
  if (!app) throw new UserError("validation_failed", `config.binding: no app ${binding.appId}`);
  const channel = app.channels.find((candidate) => candidate.channelId === binding.channelId);
  if (!channel)
    throw new UserError(
      "validation_failed",
      `config.binding: app ${app.appId} has no channel '${binding.channelId}'`,
    );
  const source = channel.eventSource;
  if (source?.type !== "device")
    throw new UserError(
      "validation_failed",
      `config.binding: channel '${channel.channelId}' has no 'device' event source`,
    );
  const named = source.config.groupId;
  if (typeof named === "string" && named && groupId && named !== groupId)
    throw new UserError(
      "validation_failed",
      `config.binding: channel '${channel.channelId}' is for group ${named}`,
    );
}

/** Device groups, devices, their commands and their data (all per operator). */
export async function deviceRoutes(
  api: FastifyInstance,
  services: {
    devices: Pick<DeviceServices, "registry" | "data" | "commands" | "listening">;
    config: { devices: DevicesConfig };
  },
): Promise<void> {
  const { registry: devices, data, commands: deviceCommands, listening } = services.devices;
  const settings = services.config.devices;
  const routes = api.withTypeProvider<ZodTypeProvider>();
  const devicesOf = (request: FastifyRequest) => devices.forOperator(operatorOf(request).operatorId);
  const deviceOf = async (request: FastifyRequest, deviceId: string) => {
    const device = await devicesOf(request).getDevice(deviceId);
    if (!device) throw new UserError("not_found", `no device ${deviceId}`);
    return device;
  };
  const checkGroup = async (request: FastifyRequest, groupId: string | null) => {
    if (groupId && !(await devicesOf(request).getGroup(groupId)))
      throw new UserError("validation_failed", `groupId: no device group ${groupId}`);
  };

  routes.get(
    "/v1/device_groups",
    { schema: { summary: "List device groups", tags: ["DeviceGroup"], operationId: "listDeviceGroups" } },
    async (request) => devicesOf(request).listGroups(),
  );
  routes.post(
    "/v1/device_groups",
    {
      schema: {
        summary: "Create a device group",
        tags: ["DeviceGroup"],
        operationId: "createDeviceGroup",
        body: groupBody,
      },
    },
    async (request, reply) => {
      await checkBinding(operatorOf(request), undefined, request.body.config);
      return reply.status(201).send(await devicesOf(request).createGroup(request.body));
    },
  );
  routes.get(
    "/v1/device_groups/:groupId",
    {
      schema: {
        summary: "Read a device group",
        tags: ["DeviceGroup"],
        operationId: "getDeviceGroup",
        params: groupParams,
      },
    },
    async (request) => {
      const group = await devicesOf(request).getGroup(request.params.groupId);
      if (!group) throw new UserError("not_found", `no device group ${request.params.groupId}`);
      return group;
    },
  );
  routes.put(
    "/v1/device_groups/:groupId",
    {
      schema: {
        summary:
          "Replace a device group's name, tags and configuration (app binding, keep data, binary parser)",
        tags: ["DeviceGroup"],
        operationId: "updateDeviceGroup",
        params: groupParams,
        body: groupBody,
      },
    },
    async (request) => {
      await checkBinding(operatorOf(request), request.params.groupId, request.body.config);
      const group = await devicesOf(request).updateGroup(request.params.groupId, request.body);
      if (!group) throw new UserError("not_found", `no device group ${request.params.groupId}`);
      return group;
    },
  );
  routes.delete(
    "/v1/device_groups/:groupId",
    {
      schema: {
        summary: "Delete a device group (its devices stay, without a group)",
        tags: ["DeviceGroup"],
        operationId: "deleteDeviceGroup",
        params: groupParams,
      },
    },
    async (request, reply) => {
      if (!(await devicesOf(request).deleteGroup(request.params.groupId)))
        throw new UserError("not_found", `no device group ${request.params.groupId}`);
      return reply.status(204).send();
    },
  );

  routes.get(
    "/v1/device_listeners",
    {
      schema: {
        summary:
          "Where devices connect besides HTTP: the embedded MQTT broker's port and the UDP/TCP port of this server (null when off or external)",
        tags: ["Device"],
        operationId: "getDeviceListeners",
      },
    },
    async () => ({
      mqtt: {
        mode: settings.mqtt,
        port: settings.mqtt === "embedded" ? (listening.mqttPort ?? settings.mqttPort) : null,
      },
      socketPort: settings.socketEnabled ? (listening.socketPort ?? settings.socketPort) : null,
    }),
  );
  routes.get(
    "/v1/devices",
    {
      schema: {
        summary: "List devices",
        tags: ["Device"],
        operationId: "listDevices",
        querystring: z.object({ groupId: z.string().max(64).optional() }),
      },
    },
    async (request) => devicesOf(request).listDevices(request.query),
  );
  routes.post(
    "/v1/devices",
    {
      schema: {
        summary: "Register a device; its secret is in this answer only (it is kept hashed)",
        tags: ["Device"],
        operationId: "createDevice",
        body: deviceBody.default({ name: "", groupId: null, tags: {} }),
      },
    },
    async (request, reply) => {
      await checkGroup(request, request.body.groupId);
      const secret = newDeviceSecret();
      const device = await devicesOf(request).createDevice(request.body, hashSecret(secret));
      return reply.status(201).send({ ...device, secret });
    },
  );
  routes.get(
    "/v1/devices/:deviceId",
    {
      schema: { summary: "Read a device", tags: ["Device"], operationId: "getDevice", params: deviceParams },
    },
    async (request) => deviceOf(request, request.params.deviceId),
  );
  routes.put(
    "/v1/devices/:deviceId",
    {
      schema: {
        summary: "Replace a device's name, group and tags",
        tags: ["Device"],
        operationId: "updateDevice",
        params: deviceParams,
        body: deviceBody,
      },
    },
    async (request) => {
      await checkGroup(request, request.body.groupId);
      const device = await devicesOf(request).updateDevice(request.params.deviceId, request.body);
      if (!device) throw new UserError("not_found", `no device ${request.params.deviceId}`);
      return device;
    },
  );
  routes.post(
    "/v1/devices/:deviceId/secret",
    {
      schema: {
        summary: "Give a device a new secret (shown once); the old one stops working",
        tags: ["Device"],
        operationId: "renewDeviceSecret",
        params: deviceParams,
      },
    },
    async (request) => {
      const secret = newDeviceSecret();
      if (!(await devicesOf(request).setDeviceSecret(request.params.deviceId, hashSecret(secret))))
        throw new UserError("not_found", `no device ${request.params.deviceId}`);
      return { deviceId: request.params.deviceId, secret };
    },
  );
  routes.delete(
    "/v1/devices/:deviceId",
    {
      schema: {
        summary: "Delete a device and its data",
        tags: ["Device"],
        operationId: "deleteDevice",
        params: deviceParams,
      },
    },
    async (request, reply) => {
      const operatorId = operatorOf(request).operatorId;
      const { deviceId } = request.params;
      const deleted = await devicesOf(request).deleteDevice(deviceId, (trx) =>
        data.forOperator(operatorId, trx).deleteResource("Device", deviceId),
      );
      if (!deleted) throw new UserError("not_found", `no device ${deviceId}`);
      return reply.status(204).send();
    },
  );

  const commandsOf = (request: FastifyRequest) => deviceCommands.forOperator(operatorOf(request).operatorId);
  routes.post(
    "/v1/devices/:deviceId/commands",
    {
      schema: {
        summary:
          "Send a command to a device (MQTT topic devices/{deviceId}/commands, QoS 1): kept until the device acknowledges it or ?ttlSeconds pass",
        tags: ["Device"],
        operationId: "sendDeviceCommand",
        params: deviceParams,
        querystring: z.object({ ttlSeconds: z.coerce.number().int().min(1).max(604_800).optional() }),
        headers: z.object({ "idempotency-key": z.string().min(1).max(256).optional() }),
        body: z.unknown(),
      },
    },
    async (request, reply) => {
      const body = request.body;
      const payload = typeof body === "string" ? body : JSON.stringify(body ?? null);
      const command = await commandsOf(request).send(request.params.deviceId, payload, {
        ttlSeconds: request.query.ttlSeconds,
        idempotencyKey: request.headers["idempotency-key"],
      });
      return reply.status(202).send(command);
    },
  );
  routes.get(
    "/v1/devices/:deviceId/commands",
    {
      schema: {
        summary:
          "A device's commands and their status, newest first, as {items, nextCursor} (?cursor, ?limit)",
        tags: ["Device"],
        operationId: "listDeviceCommands",
        params: deviceParams,
        querystring: z.object(pageQuery(20, maxCommandPage)),
      },
    },
    async (request) => {
      const device = await deviceOf(request, request.params.deviceId);
      const { cursor, limit } = request.query;
      const rows = await commandsOf(request).list(device.deviceId, {
        limit: limit + 1,
        ...(cursor === undefined ? {} : { before: cursor }),
      });
      return pageOf(rows, limit, (command) => command.commandId);
    },
  );
  routes.get(
    "/v1/devices/:deviceId/commands/:commandId",
    {
      schema: {
        summary: "A command and its status: pending, delivered, expired or published",
        tags: ["Device"],
        operationId: "getDeviceCommand",
        params: deviceParams.extend({ commandId: z.string().max(64) }),
      },
    },
    async (request) => {
      const { deviceId, commandId } = request.params;
      const command = await commandsOf(request).get(deviceId, commandId);
      if (!command) throw new UserError("not_found", `no command ${commandId} for device ${deviceId}`);
      return command;
    },
  );

  routes.get(
    "/v1/data/:deviceId",
    {
      schema: {
        summary:
          "A device's entries in the data store, by time, as {items, nextCursor} (?from, ?to in Unix ms; ?cursor, ?limit)",
        tags: ["DataEntry"],
        operationId: "getDataEntries",
        params: deviceParams,
        querystring: z.object({
          from: z.coerce.number().int().min(0).optional(),
          to: z.coerce.number().int().min(0).optional(),
          order: z.enum(["asc", "desc"]).default("desc"),
          ...pageQuery(100, maxPage),
        }),
      },
    },
    async (request) => {
      const device = await deviceOf(request, request.params.deviceId);
      const { cursor, ...query } = request.query;
      const page = await data.forOperator(operatorOf(request).operatorId).query("Device", device.deviceId, {
        ...query,
        ...(cursor === undefined ? {} : { after: cursor }),
      });
      return {
        items: page.entries.map(({ time, contentType, content }) => ({
          time,
          contentType,
          content: contentType === "application/json" ? JSON.parse(content) : content,
        })),
        nextCursor: page.next ?? null,
      };
    },
  );
}
