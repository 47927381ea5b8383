import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { UserError } from "../errors.ts";
import type { DevicesConfig } from "./device-config.ts";
import type { DeviceIngest } from "./device-ingest.ts";

/** Headers that carry credentials never reach an app's context or history. */
const hiddenHeaders = new Set([
  "authorization",
  "x-device-secret",
  "cookie",
  "proxy-authorization",
  "x-conflux-api-key",
  "x-soracom-api-key",
  "x-soracom-token",
  "x-conflux-token",
]);

function secretOf(request: FastifyRequest): string {
  const explicit = request.headers["x-device-secret"];
  if (typeof explicit === "string" && explicit) return explicit;
  const authorization = request.headers.authorization;
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  if (match?.[1]) return match[1];
  throw new UserError("unauthorized", "send the device secret as 'Authorization: Bearer <secret>'");
}

/** A device that sends again after getting no answer sends the same key: the message is stored and run once. */
function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const value = request.headers["idempotency-key"];
  if (typeof value !== "string" || !value) return undefined;
  if (value.length > 256) throw new UserError("bad_request", "Idempotency-Key is at most 256 characters");
  return value;
}

function visibleHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (!hiddenHeaders.has(name) && value !== undefined)
      headers[name] = Array.isArray(value) ? value.join(", ") : value;
  return headers;
}

/** `POST /v1/devices/{deviceId}/data`: device-authenticated; 202 once the message is durable. */
export async function httpIngestRoutes(
  api: FastifyInstance,
  {
    devices,
    config,
  }: { devices: { ingest: DeviceIngest }; config: { port: number; devices: DevicesConfig } },
): Promise<void> {
  const limit = config.devices.maxPayloadBytes;
  // The body is the device's bytes: JSON, or binary for a group with a binary parser.
  api.removeAllContentTypeParsers();
  api.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: limit }, (_request, body, done) =>
    done(null, body),
  );
  const routes = api.withTypeProvider<ZodTypeProvider>();
  routes.post(
    "/v1/devices/:deviceId/data",
    {
      bodyLimit: limit,
      schema: {
        summary:
          "A device sends data (device secret as a bearer token); 202 once it is durable; an Idempotency-Key header stores and runs it once",
        tags: ["DataEntry"],
        operationId: "ingestDeviceData",
        security: [],
        params: z.object({ deviceId: z.string().max(64) }),
        response: {
          202: z.object({ stored: z.boolean(), executionId: z.string().optional(), duplicate: z.boolean() }),
        },
      },
    },
    async (request, reply) => {
      const deviceIngest = devices.ingest;
      const device = await deviceIngest.authenticate(request.params.deviceId, secretOf(request));
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const accepted = await deviceIngest.accept(
        device,
        body,
        {
          protocol: "http",
          httpPath: request.url.split("?")[0] ?? "/",
          httpHeaders: visibleHeaders(request),
          httpMethod: request.method,
          port: request.socket.localPort ?? config.port,
        },
        idempotencyKeyOf(request),
      );
      return reply.status(202).send(accepted);
    },
  );
}
